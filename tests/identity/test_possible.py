"""What a careful person would link without hesitation is linked; what looks like twins or same-named
relatives is never linked automatically, and never dropped: it is a possible match, with a reason."""

import json

import pytest

from mast.identity.matching import possible
from mast.identity.matching.linkage import Linker, ScoredPair, model_row, to_table
from mast.identity.matching.vetoes import SPELT_TWO_WAYS_LEVEL
from tests.factories.linking import link, record


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Given and family names the other way round, also with a slip.
        (("Lewis", "Morgan"), ("Morgan", "Lewis")),
        (("Lewis", "Morgan"), ("Morgna", "Lewis")),
        # ... and with a pet form for the given name: "Turner Henry" is Hank Turner.
        (("Hank", "Turner"), ("Turner", "Henry")),
        # Two keying slips in a spelling that is no name.
        (("Naomi", "Whitcombe"), ("Naiomm", "Whitcombe")),
        # A scanner's digits.
        (("Colin", "Ashworth"), ("C0lin", "Ashw0rth")),
        # The whole name in one box; a title; a suffix.
        (("Martin", "Oyelaran"), ("", "Martin Oyelaran")),
        (("Martin", "Oyelaran"), ("Mr Martin", "Oyelaran")),
        (("Martin", "Oyelaran"), ("Martin", "Oyelaran Jr")),
    ],
)
def test_a_pair_a_careful_person_would_link_is_linked(first, second):
    together, reasons = link(
        record("police|A", *first, "1984-03-07", sex="male"),
        record("health|B", *second, "1984-03-07"),
    )

    assert together("police|A", "health|B")
    assert not reasons


def test_names_swapped_with_a_slip_and_no_date_of_birth_are_still_compared_and_linked():
    # Neither the date of birth nor the names' sounds agree as typed: only one name's sound against the
    # other's, at one postcode, brings the two together.
    together, reasons = link(
        record("police|A", "Nicola", "Hilton", "1961-07-07", sex="female"),
        record("health|B", "Hilton", "Nichloa", sex="female"),
    )

    assert together("police|A", "health|B")
    assert not reasons


def test_twins_are_possible_not_linked_and_the_reason_says_why():
    together, reasons = link(
        record("health|A", "Amelia", "Hartley", "2012-09-14", sex="female"),
        record("police|B", "Isla", "Hartley", "2012-09-14", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.TWINS_OR_MIDDLE_NAME}


def test_a_middle_name_on_one_record_tells_twins_apart():
    together, reasons = link(
        record("health|A", "Amelia", "Hartley", "2012-09-14", middle_names="Rose"),
        record("police|B", "Isla", "Hartley", "2012-09-14"),
    )

    assert not together("health|A", "police|B")
    assert not reasons


def test_a_name_spelt_another_way_is_possible_even_with_a_middle_name_on_one_record():
    # The middle name rules out "Leah known by her middle name", not "Leah spelt Lia": never dropped.
    together, reasons = link(
        record("health|A", "Leah", "Hartley", "2012-09-14", sex="female", middle_names="Rose"),
        record("police|B", "Lia", "Hartley", "2012-09-14", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.TWINS_OR_MIDDLE_NAME}


def carried(*names: str) -> list:
    """Three other people called each of these names, in other families and towns."""
    families = ("Quigley", "Mensah", "Rowntree", "Osei", "Blackwood", "Tran")
    return [
        record(f"other|{name}{i}", name, families[3 * n + i], f"19{70 + 3 * n + i}-0{i + 1}-1{i}",
               address_line_1=f"{3 * n + i} Ash Way", postcode=f"LS{12 + 3 * n + i} 1AA")
        for n, name in enumerate(names)
        for i in range(3)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("given", "spelt"), [("Jasmine", "Jazmin"), ("Hannah", "Hana"), ("Stephanie", "Stefanie")]
)
def test_one_name_spelt_two_ways_is_linked_when_sex_and_date_of_birth_agree(given, spelt):
    # The two names sound the same, begin alike and are spelt alike, and no name list holds one of them as a
    # name of its own: what twins are never called. Other people carry both spellings, as in any region, so
    # neither is a slip of the other. Before, a reviewer was asked about each of these.
    together, reasons = link(
        record("health|A", given, "Hartley", "2012-09-14", sex="female"),
        record("police|B", spelt, "Hartley", "2012-09-14", sex="female"),
        *carried(given, spelt),
    )

    assert together("health|A", "police|B")
    assert not reasons


def test_the_link_of_one_name_spelt_two_ways_says_so_in_its_explanation(tmp_path):
    # The person page and the review screen read the explanation: "Different given names" beside a link
    # would leave the reader wondering why it was made.
    records = dict(
        [
            record("health|A", "Jasmine", "Hartley", "2012-09-14", sex="female"),
            record("police|B", "Jazmin", "Hartley", "2012-09-14", sex="female"),
            *carried("Jasmine", "Jazmin"),
        ]
    )
    linker = Linker(to_table(model_row(r) for r in records.values()), models_dir=tmp_path)
    try:
        pair = next(p for p in linker.predict() if {p.left, p.right} == {"health|A", "police|B"})
        explained = linker.explain(pair)
        as_json = linker.explain_json(pair)
    finally:
        linker.close()

    given = next(item for item in explained if item["comparison"] == "given_name")
    assert given["outcome"] == SPELT_TWO_WAYS_LEVEL
    assert json.loads(as_json) == explained


@pytest.mark.parametrize(
    ("first", "second", "sex"),
    [
        # Two names the lists hold, however alike they sound and look: twins are called this.
        ("Jack", "Jake", "male"),
        ("Olivia", "Olive", "female"),
        # Alike in sound only.
        ("Amy", "Emma", "female"),
        # One name's spellings, but the sex missing on one record: nothing says these are not a boy and a
        # girl with names that sound alike.
        ("Jasmine", "Jazmin", ""),
    ],
)
def test_twins_whose_names_sound_alike_are_still_only_possible(first, second, sex):
    together, reasons = link(
        record("health|A", first, "Hartley", "2012-09-14", sex=sex or "female"),
        record("police|B", second, "Hartley", "2012-09-14", sex=sex),
        *carried(first, second),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.TWINS_OR_MIDDLE_NAME}


@pytest.mark.parametrize(
    ("given", "slipped"),
    [
        # A spelling with a slip in it, and a spelling with another first letter: Jaro-Winkler 0.75 or more.
        ("Hana", "Hqnnah"),
        ("Zachery", "Zakary"),
        # Pet forms no list holds, taken from inside the name rather than its start.
        # (Georgina and Gina were one of these until decision 0031 listed the British pet form: now linked.)
        ("Albert", "Bertie"),
        # A pet form keeping only the first letter, and that with a slip. (Susan and Suzy, Syzy were these
        # until decision 0031 listed Suzy as Susan's: now linked.)
        ("Dorothy", "Dodie"),
        ("Dorothy", "Dpdie"),
    ],
)
def test_a_name_keyed_or_shortened_past_what_the_lists_know_is_possible_beside_a_middle_name(given, slipped):
    # Everything else agrees and the model scores the pair as one person; only the given names differ, and
    # the middle name on one record rules out a person known by their middle name, not these. Before, such a
    # pair was dropped with no trace (issue 12: strong pairs MAST cannot link go to a person, never silence).
    together, reasons = link(
        record("health|A", given, "Hartley", "1985-09-14", sex="female", middle_names="Rose"),
        record("police|B", slipped, "Hartley", "1985-09-14", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.TWINS_OR_MIDDLE_NAME}


@pytest.mark.parametrize(("given", "slipped"), [("Kim", "Ijm"), ("Sue", "Uss")])
def test_a_short_name_keyed_into_no_name_at_all_is_possible_beside_a_middle_name(given, slipped):
    # "Ijm" shares no first letter with Kim and is too short to be alike by any measure; but it is no one's
    # name (no list holds it, no other record carries it), and twins are given real names. Before, the middle
    # name on one record dropped the pair without a trace.
    together, reasons = link(
        record("health|A", given, "Hartley", "1968-03-05", sex="female", middle_names="Samantha"),
        record("fire|B", slipped, "Hartley", "1968-03-05"),
    )

    assert not together("health|A", "fire|B")
    assert reasons == {frozenset(("health|A", "fire|B")): possible.TWINS_OR_MIDDLE_NAME}


def test_a_twin_with_a_real_name_beside_a_middle_name_is_still_told_apart():
    together, reasons = link(
        record("health|A", "Kim", "Hartley", "1968-03-05", sex="female", middle_names="Samantha"),
        record("fire|B", "Joan", "Hartley", "1968-03-05"),
    )

    assert not together("health|A", "fire|B")
    assert not reasons


def test_both_names_different_at_the_same_house_and_street_are_possible():
    # Married, and known by a pet form no list holds, at the same house; one partner gives no postcode.
    # (Susan and Suzy were the example until decision 0031 listed Suzy: a known pet form is linked.)
    together, reasons = link(
        record("health|A", "Bernadette", "Lucas", "1982-05-08", sex="female", middle_names="Ann"),
        record("police|B", "Detta", "Pemberton", "1982-05-08", sex="female", postcode=""),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.BOTH_NAMES_DIFFERENT}


def test_alike_names_without_a_date_of_birth_are_possible_and_other_names_are_not():
    together, reasons = link(
        record("health|A", "Leah", "Hartley", "1973-11-14", sex="female"),
        record("police|B", "Lia", "Hartley", sex="female"),
        # A sister at the same address, whose date of birth the police do not have: a different name.
        record("police|C", "Ruby", "Hartley", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.ALIKE_NO_DATE_OF_BIRTH}


def test_a_pet_form_from_inside_the_name_without_a_date_of_birth_is_possible():
    # "Baldie" for Archibald is in no list and does not start like it; the police give no date of birth.
    together, reasons = link(
        record("health|A", "Archibald", "Kelly", "2025-05-09", sex="male"),
        record("police|B", "Baldie", "Kelly", sex="male"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.ALIKE_NO_DATE_OF_BIRTH}


def test_a_person_known_by_their_middle_name_is_linked_through_a_record_with_both():
    together, _reasons = link(
        record("health|A", "Clifford", "Ames", "1979-01-02", middle_names="Jayden"),
        record("police|B", "Jayden", "Ames", "1979-01-02"),
    )

    assert together("health|A", "police|B")


def test_a_same_named_father_and_son_are_possible_not_linked():
    together, reasons = link(
        record("police|A", "David", "Okafor", "1975-01-20", sex="male"),
        record("health|B", "David", "Okafor", "2005-06-11", sex="male"),
    )

    assert not together("police|A", "health|B")
    assert reasons == {frozenset(("police|A", "health|B")): possible.SAME_NAME_BORN_APART}


def test_a_father_and_son_a_partner_records_as_related_are_not_asked_about():
    # The police hold both Davids and say one is the other's father: they are two people, on both pages.
    together, reasons = link(
        record("police|A", "David", "Okafor", "1975-01-20", sex="male"),
        record("police|B", "David", "Okafor", "2005-06-11", sex="male"),
        record("health|C", "David", "Okafor", "2005-06-11", sex="male"),
        relationships=[("police|B", "police|A")],
    )

    assert together("police|B", "health|C")
    assert not together("police|A", "police|B")
    assert reasons == {}


def test_a_record_without_a_date_of_birth_is_not_linked_to_a_same_named_child():
    together, reasons = link(
        record("health|A", "Lisa", "Stokes", "2012-11-24", sex="female"),
        record("police|B", "Lisa", "Stokes", sex="female"),
    )

    assert not together("health|A", "police|B")
    assert reasons == {frozenset(("health|A", "police|B")): possible.CHILD_OR_NAMESAKE_PARENT}


def test_a_record_without_a_date_of_birth_giving_the_childs_given_and_middle_name_is_the_child():
    # Both records give "Lisa May": a parent named after her child in both names is not what the other
    # record could be, so the model's score decides, as it would for any pair. Before, a reviewer was asked.
    together, reasons = link(
        record("health|A", "Lisa", "Stokes", "2012-11-24", sex="female", middle_names="May"),
        record("childrens|B", "Lisa", "Stokes", sex="female", middle_names="May"),
    )

    assert together("health|A", "childrens|B")
    assert not reasons


def test_a_middle_name_on_one_record_only_does_not_say_which_of_a_same_named_parent_and_child():
    together, reasons = link(
        record("health|A", "Lisa", "Stokes", "2012-11-24", sex="female", middle_names="May"),
        record("childrens|B", "Lisa", "Stokes", sex="female"),
    )

    assert not together("health|A", "childrens|B")
    assert reasons == {frozenset(("health|A", "childrens|B")): possible.CHILD_OR_NAMESAKE_PARENT}


def test_a_record_without_a_date_of_birth_is_linked_to_a_same_named_adult():
    together, reasons = link(
        record("health|A", "Lisa", "Stokes", "1971-03-03", sex="female"),
        record("police|B", "Lisa", "Stokes", sex="female"),
    )

    assert together("health|A", "police|B")
    assert not reasons


def test_different_nhs_numbers_between_the_two_people_tell_them_apart():
    # Each twin's health record carries her own NHS number; the police record of one of them joins her, so the
    # police record's pair with the other twin is told apart by the numbers of the people, not of the records.
    together, reasons = link(
        record("health|A", "Amelia", "Hartley", "2012-09-14", nhs_number="9990000018", nhs_number_valid=True),
        record("health|B", "Isla", "Hartley", "2012-09-14", nhs_number="9990000026", nhs_number_valid=True),
        record("police|C", "Isla", "Hartley", "2012-09-14"),
    )

    assert together("health|B", "police|C")
    assert not together("health|A", "police|C")
    assert frozenset(("health|A", "police|C")) not in reasons


def test_no_person_holds_two_dates_of_birth_no_slip_explains():
    # A record with no date of birth and its names swapped matches both Jack Ryans; it may join one of them,
    # never bring the two together.
    together, _reasons = link(
        record("police|A", "Jack", "Ryan", "1969-07-24", sex="male", address_line_1="9 Lampard Circuit"),
        record("police|B", "Jack", "Ryan", "1919-04-24", sex="male", address_line_1="23 Popplewell Place"),
        record("fire|C", "Ryan", "Jack", sex="male", address_line_1="23 Popplewell Place"),
    )

    assert not together("police|A", "police|B")


def test_a_record_matching_a_same_named_child_and_adult_is_linked_to_neither():
    # Callum Begum the baby and Callum Begum his grown-up brother at one address; a police record of one of
    # them gives no date of birth. Held back from the baby, it must not go to the adult on the name alone.
    together, reasons = link(
        record("health|A", "Callum", "Begum", "2025-05-27", sex="male"),
        record("police|B", "Callum", "Begum", "2004-04-14", sex="male"),
        record("police|C", "Callum", "Begum", sex="male"),
    )

    assert not together("police|C", "health|A") and not together("police|C", "police|B")
    assert reasons[frozenset(("health|A", "police|C"))] == possible.CHILD_OR_NAMESAKE_PARENT
    assert frozenset(("police|B", "police|C")) in reasons


def pair_scored(probability: float, *, veto: str = "", reason: str = "") -> ScoredPair:
    return ScoredPair("a", "b", probability, 0.0, veto, False, (), False, False, reason)


@pytest.mark.parametrize(
    ("probability", "decision"),
    [(0.95, "link"), (0.85, "review"), (0.35, "review"), (0.25, "not_linked")],
)
def test_borderline_scores_are_linked_reviewed_or_left_as_the_thresholds_say(probability, decision):
    # A tenth either way on the link (0.9) or review (0.3) threshold changes one of these.
    assert pair_scored(probability).decision == decision


def test_a_vetoed_pair_is_never_linked_whatever_its_score_and_is_possible_only_with_a_reason():
    assert pair_scored(0.999, veto=possible.GIVEN_VETO).decision == "not_linked"
    assert (
        pair_scored(0.999, veto=possible.GIVEN_VETO, reason=possible.TWINS_OR_MIDDLE_NAME).decision
        == "possible"
    )
    assert pair_scored(0.999, reason=possible.CHILD_OR_NAMESAKE_PARENT).decision == "possible"


def test_twins_each_known_to_two_agencies_are_told_apart_and_not_asked_about():
    # Health and school each know Amelia and Isla as themselves: the partnership already knows they are two.
    together, reasons = link(
        record("health|A", "Amelia", "Hartley", "2012-09-14", sex="female"),
        record("school|A", "Amelia", "Hartley", "2012-09-14", sex="female"),
        record("health|B", "Isla", "Hartley", "2012-09-14", sex="female"),
        record("school|B", "Isla", "Hartley", "2012-09-14", sex="female"),
    )

    assert together("health|A", "school|A") and together("health|B", "school|B")
    assert not together("health|A", "health|B")
    assert reasons == {}
