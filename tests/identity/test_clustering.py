from mast.identity.clustering import cluster


def as_sets(result):
    return sorted(sorted(c) for c in result.clusters)


def test_linked_records_form_one_person_and_the_rest_stay_apart():
    result = cluster("abcde", [("a", "b", 0.999), ("b", "c", 0.998)])
    assert as_sets(result) == [["a", "b", "c"], ["d"], ["e"]]


def test_an_ambiguous_record_cannot_join_a_father_and_son_into_one_person():
    # "David Smith" with no date of birth (x) matches the father (f) and the son (s) equally well.
    result = cluster("fsx", [("x", "f", 0.999), ("x", "s", 0.998)], cannot_link=[("f", "s")])
    assert as_sets(result) == [["f", "x"], ["s"]]
    assert result.refused == [("x", "s", 0.998)]


def test_the_constraint_holds_across_chains_of_links():
    links = [("a", "b", 0.99), ("b", "c", 0.98), ("c", "d", 0.97)]
    result = cluster("abcd", links, cannot_link=[("a", "d")])
    assert as_sets(result) == [["a", "b", "c"], ["d"]]


def test_a_reviewers_same_person_decision_wins_over_everything():
    result = cluster("abc", [], cannot_link=[("a", "b")], must_link=[("a", "b")])
    assert as_sets(result) == [["a", "b"], ["c"]]


def test_a_reviewers_not_the_same_decision_blocks_the_models_link():
    result = cluster("ab", [("a", "b", 0.9999)], cannot_link=[("a", "b")])
    assert as_sets(result) == [["a"], ["b"]]
