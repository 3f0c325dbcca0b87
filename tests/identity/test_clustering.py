import pytest

from mast.identity.matching.clustering import cluster, dates_compatible
from mast.identity.matching.linkage import NAMES_VETO, ScoredPair, explain_vetoes


def as_sets(result):
    return sorted(sorted(c) for c in result.clusters)


def test_linked_records_form_one_person_and_the_rest_stay_apart():
    result = cluster("abcde", [("a", "b", 0.999), ("b", "c", 0.998)])
    assert as_sets(result) == [["a", "b", "c"], ["d"], ["e"]]


def test_an_ambiguous_record_joins_neither_a_father_nor_his_son():
    # "David Smith" with no date of birth (x) matches the father (f) and the son (s) about equally well: which
    # one it is would be a guess, so it is held apart and both its links are refused (they go to review).
    result = cluster("fsx", [("x", "f", 0.999), ("x", "s", 0.998)], cannot_link=[("f", "s")])
    assert as_sets(result) == [["f"], ["s"], ["x"]]
    assert sorted(result.refused) == [("x", "f", 0.999), ("x", "s", 0.998)]
    assert result.ambiguous == {"x"}


def test_a_record_far_more_like_one_of_two_people_joins_that_one():
    # x agrees with f on everything (2**-30 odds against) and with s only on name and address.
    result = cluster("fsx", [("x", "f", 1 - 1e-9), ("x", "s", 0.99)], cannot_link=[("f", "s")])
    assert as_sets(result) == [["f", "x"], ["s"]]
    assert result.refused == [("x", "s", 0.99)] and not result.ambiguous


def test_an_ambiguous_record_holding_a_family_together_is_taken_out_and_the_rest_still_cluster():
    # f1 and f2 are the father's records, s1 the son's; x matches f2 and s1 equally.
    links = [("f1", "f2", 0.99999), ("x", "f2", 0.999), ("x", "s1", 0.999)]
    result = cluster(["f1", "f2", "s1", "x"], links, cannot_link=[("f1", "s1")])
    assert as_sets(result) == [["f1", "f2"], ["s1"], ["x"]]


def test_a_reviewers_decision_about_a_record_is_not_reopened_as_ambiguous():
    result = cluster("fsx", [("x", "s", 0.998)], cannot_link=[("f", "s")], must_link=[("x", "f")])
    assert as_sets(result) == [["f", "x"], ["s"]]
    assert not result.ambiguous


def test_the_constraint_holds_across_chains_of_links():
    links = [("a", "b", 0.9999999), ("b", "c", 0.9999998), ("c", "d", 0.97)]
    result = cluster("abcd", links, cannot_link=[("a", "d")])
    assert as_sets(result) == [["a", "b", "c"], ["d"]]


def test_a_reviewers_same_person_decision_wins_over_everything():
    result = cluster("abc", [], cannot_link=[("a", "b")], must_link=[("a", "b")])
    assert as_sets(result) == [["a", "b"], ["c"]]


def test_a_reviewers_not_the_same_decision_blocks_the_models_link():
    result = cluster("ab", [("a", "b", 0.9999)], cannot_link=[("a", "b")])
    assert as_sets(result) == [["a"], ["b"]]


def scored(left, right, probability=0.9999, veto="", via_middle_name=False):
    return ScoredPair(left, right, probability, 13.0, veto, False, (), via_middle_name)


def test_a_third_record_holding_both_names_explains_different_given_names():
    # "Clifford Jayden" at the hospital (c); "Jayden" to the police (j), who record no middle names;
    # "Clifford" at the fire service (f). j and f alone look like twins; c shows they are one man.
    pairs = [
        scored("c", "j", via_middle_name=True),
        scored("c", "f"),
        scored("j", "f", veto=NAMES_VETO),
    ]
    explained = {(p.left, p.right): p for p in explain_vetoes(pairs)}
    assert explained[("j", "f")].explained and not explained[("j", "f")].veto
    assert explained[("j", "f")].decision == "not_linked"  # c joins them, not a link of their own
    links = [(p.left, p.right, p.probability) for p in explained.values() if p.decision == "link"]
    cannot = [(p.left, p.right) for p in explained.values() if p.veto]
    assert as_sets(cluster("cjf", links, cannot)) == [["c", "f", "j"]]


def test_nicknames_do_not_explain_different_given_names_nor_anything_explain_different_birthdays():
    # "Kate" (k) may be Katherine (a) or Kathleen (b), sisters; and a third record cannot make twins one.
    names = [scored("k", "a"), scored("k", "b"), scored("a", "b", veto=NAMES_VETO)]
    assert [p.veto for p in explain_vetoes(names)][-1] == NAMES_VETO
    birthdays = [
        scored("c", "j", via_middle_name=True),
        scored("c", "f"),
        scored("j", "f", veto="The dates of birth are different"),
    ]
    assert explain_vetoes(birthdays)[-1].veto


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("1984-03-07", "1984-03-07", True),
        ("1984-03-07", "1984-07-03", True),  # day and month transposed
        ("1984-03-07", "1984-03-08", True),  # one keyed digit
        ("1984-03-07", "1985-03-07", True),  # a year out
        ("1969-07-24", "1996-07-24", True),  # two digits of the year swapped
        ("1969-07-24", "1919-04-24", False),
        ("2012-11-24", "1971-03-03", False),
    ],
)
def test_dates_of_birth_one_slip_apart_can_be_one_persons(a, b, compatible):
    assert dates_compatible(a, b) is compatible
    assert dates_compatible(b, a) is compatible


def test_people_are_never_joined_across_dates_of_birth_no_slip_explains():
    # "c" has no date of birth and matches both; the two it matches were never compared.
    result = cluster(
        ["a", "b", "c"], [("a", "c", 0.99), ("b", "c", 0.98)], born={"a": "1969-07-24", "b": "1919-04-24"}
    )

    assert {frozenset(members) for members in result.clusters} == {frozenset({"a", "c"}), frozenset({"b"})}
    assert ("b", "c", 0.98) in result.refused


def test_a_certain_link_joins_dates_of_birth_whatever_they_say():
    # The same valid NHS number (probability 1) on records whose dates disagree: one person, one date wrong.
    result = cluster(["a", "b"], [("a", "b", 1.0)], born={"a": "1969-07-24", "b": "1919-04-24"})

    assert [set(members) for members in result.clusters] == [{"a", "b"}]
