"""Due times: red and amber by the clock, green in working days (not weekends, not England-and-Wales bank
holidays), each with the datetime a practitioner would expect, in London time."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mast.governance.services import RequestTimes
from mast.requests.due import add_working_days, due_at, is_working_day
from tests.signing_in import signed_in_with_factor

LONDON = ZoneInfo("Europe/London")
DEFAULTS = RequestTimes()


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("sent", "priority", "expected"),
    [
        # A weekday: green three working days on, same time of day.
        (at(2026, 11, 24, 10, 0), "green", at(2026, 11, 27, 10, 0)),  # Tue -> Fri
        # Across a weekend.
        (at(2026, 11, 27, 16, 0), "green", at(2026, 12, 2, 16, 0)),  # Fri -> Wed
        # Sent on a Saturday: the count starts on Monday.
        (at(2026, 11, 28, 11, 0), "green", at(2026, 12, 2, 11, 0)),  # Sat -> Wed
        # Christmas 2026: Fri 25 and Mon 28 (Boxing Day, substitute) are bank holidays.
        (at(2026, 12, 24, 10, 0), "green", at(2026, 12, 31, 10, 0)),  # Thu -> Tue 29, Wed 30, Thu 31
        # ...and New Year's Day, Fri 1 January 2027.
        (at(2026, 12, 30, 9, 0), "green", at(2027, 1, 5, 9, 0)),  # Wed -> Thu 31, Mon 4, Tue 5
        # Christmas 2027 falls on a weekend: Mon 27 and Tue 28 December are the bank holidays.
        (at(2027, 12, 24, 14, 0), "green", at(2027, 12, 31, 14, 0)),  # Fri -> Wed 29, Thu 30, Fri 31
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (at(2026, 4, 1, 15, 0), "green", at(2026, 4, 8, 15, 0)),  # Wed -> Thu 2, Tue 7, Wed 8
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March; the clocks go forward on the 28th, and
        # the due time stays 09:30 in London (08:30 UTC, not 09:30 UTC).
        (at(2027, 3, 25, 9, 30), "green", at(2027, 4, 1, 9, 30)),  # Thu -> Tue 30, Wed 31, Thu 1
        # Red and amber count clock hours, nights, weekends and bank holidays included.
        (at(2026, 11, 27, 22, 0), "red", at(2026, 11, 28, 2, 0)),  # Fri night -> Sat 02:00
        (at(2026, 12, 24, 12, 0), "amber", at(2026, 12, 25, 12, 0)),  # into Christmas Day
        (at(2027, 3, 26, 10, 0), "red", at(2027, 3, 26, 14, 0)),  # Good Friday
        (at(2026, 11, 28, 9, 0), "amber", at(2026, 11, 29, 9, 0)),  # Saturday -> Sunday
        # Clock hours are elapsed hours: 4 hours after 00:30 on the night the clocks go back is 03:30.
        (at(2026, 10, 25, 0, 30), "red", at(2026, 10, 25, 3, 30)),
    ],
)
def test_due_times(sent, priority, expected):
    found = due_at(sent, priority, DEFAULTS)
    assert found == expected
    assert found.astimezone(LONDON).utcoffset() == expected.utcoffset()


def test_the_easter_2027_due_time_is_in_british_summer_time():
    found = due_at(at(2027, 3, 25, 9, 30), "green", DEFAULTS)
    assert found.astimezone(ZoneInfo("UTC")).hour == 8


def test_the_agreement_sets_the_times():
    times = RequestTimes(red_hours=2, amber_hours=48, green_working_days=5)
    assert due_at(at(2026, 11, 27, 16, 0), "red", times) == at(2026, 11, 27, 18, 0)
    assert due_at(at(2026, 11, 27, 16, 0), "amber", times) == at(2026, 11, 29, 16, 0)
    # Five working days from Thursday 24 December 2026: 29, 30, 31 December, 4 and 5 January.
    assert due_at(at(2026, 12, 24, 8, 0), "green", times) == at(2027, 1, 5, 8, 0)


def test_working_days():
    assert not is_working_day(at(2026, 12, 25).date())  # Christmas Day, a Friday
    assert not is_working_day(at(2026, 12, 26).date())  # a Saturday
    assert not is_working_day(at(2027, 3, 29).date())  # Easter Monday
    assert is_working_day(at(2026, 12, 29).date())
    assert add_working_days(at(2026, 4, 2).date(), 1) == at(2026, 4, 7).date()


def test_an_unknown_priority_is_refused():
    with pytest.raises(ValueError, match="priority"):
        due_at(at(2026, 11, 27, 16, 0), "purple", DEFAULTS)


def test_the_package_ships_its_own_list_and_reads_it_offline(monkeypatch):
    """Not the frozen list: the package's copy, as production reads it (no network: the list is a file)."""
    from mast.requests import due

    monkeypatch.setattr("socket.socket.connect", lambda *a, **k: pytest.fail("tried the network"))
    shipped = due.shipped_bank_holidays()
    assert at(2026, 12, 28).date() in shipped and at(2027, 3, 26).date() in shipped
    assert due.last_known_holiday().year >= 2027


def test_a_newer_list_can_be_named_in_the_settings(settings, tmp_path):
    from mast.requests import due

    newer = tmp_path / "bank-holidays.json"
    newer.write_text(
        '{"england-and-wales": {"division": "england-and-wales", "events": [{"title": "New Year", '
        '"date": "2029-01-01", "notes": "", "bunting": true}]}, "scotland": {"events": []}}',
        encoding="utf-8",
    )
    settings.MAST_BANK_HOLIDAYS_FILE = str(newer)
    assert due.configured_bank_holidays() == {at(2029, 1, 1).date()}


@pytest.mark.django_db
def test_the_agreement_page_states_the_due_times(client):
    from mast.governance.models import SharingAgreement
    from tests.factories.access import make_user

    SharingAgreement.objects.create(
        status=SharingAgreement.Status.APPROVED,
        title="Test agreement",
        reference="T-1",
        version="1",
        start_date=at(2026, 1, 1).date(),
        review_date=at(2030, 1, 1).date(),
        lawful_basis="Test",
        special_category_condition="Test",
        green_due_working_days=5,
    )
    signed_in_with_factor(client, make_user())
    html = client.get("/governance/agreement/").content.decode()
    assert "Red within 4 hours, amber within 24 hours, green within 5 working days" in html
