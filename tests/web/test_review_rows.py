"""A pair under review as the reviewer reads it (web/presenters/review.py)."""

from datetime import date

import pytest

from mast.web.presenters import review as pair_rows
from tests.factories.identity import identity_state_in_tmp, make_candidate, make_record, make_source

pytestmark = pytest.mark.django_db
__all__ = ["identity_state_in_tmp"]


def test_the_side_by_side_rows_show_both_records_and_whether_they_agree():
    police, health = make_source("Testshire Police"), make_source("Testshire NHS")
    a = make_record(
        police,
        "N1",
        nhs_number="9990001231",  # a wrong check digit
        nhs_number_valid=False,
        involvements=[("domestic_abuse", date(2025, 3, 1)), ("police_attendance", date(2026, 1, 5))],
    )
    b = make_record(
        health,
        "H7",
        given_name="adaline ",
        date_of_birth=None,
        date_of_birth_raw="1990",
        postcode="zz12cd",
        nhs_number="9990001235",
        nhs_number_valid=True,
    )
    candidate = make_candidate(a, b, probability=0.87654, match_weight=-0.45)

    table = pair_rows.side_by_side(candidate)
    rows = {row.label: row for row in table.rows}

    assert rows["Given name"].agree is True  # case and spacing do not make a difference
    assert rows["Middle names"].agree is None  # nothing on either side to compare
    assert (rows["Date of birth"].left, rows["Date of birth"].right) == (
        "17 May 1990",
        "1990 (partial or not a date)",
    )
    assert rows["Date of birth"].agree is None  # the same year, but a partial date cannot fully agree
    assert rows["Postcode"].agree is True
    assert (rows["NHS number"].left, rows["NHS number"].right) == ("999 000 1231 (not valid)", "999 000 1235")
    assert rows["Partner"].left == "Testshire Police" and rows["Partner's reference"].right == "H7"
    assert rows["Involvements"].left == "2 involvements; latest: Police attendance, 5 January 2026"
    assert rows["Involvements"].right == "None"
    assert rows["Sex"].agree is True and rows["UPRN"].agree is None
    born_1985 = make_record(health, date_of_birth=None, date_of_birth_raw="03/1985")
    dob = next(
        r for r in pair_rows.side_by_side(make_candidate(a, born_1985)).rows if r.label == "Date of birth"
    )
    assert (dob.right, dob.agree) == ("03/1985 (partial or not a date)", False)
    assert [(e.label, e.outcome, e.weight) for e in table.explanation] == [
        ("Given name", "Exact match", "+7.2"),
        ("Date of birth", "Different", "\u22125.5"),
        ("Sex", "missing", "0.0"),
    ]
    assert (table.probability, table.total_weight) == ("87.6%", "\u22120.5")


def test_a_probability_is_never_rounded_up_to_certainty():
    assert pair_rows.percent(0.99996) == "99.9%"
    assert pair_rows.bits(0.04) == "0.0" and pair_rows.bits(12.345) == "+12.3"
