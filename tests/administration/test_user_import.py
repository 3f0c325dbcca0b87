"""Onboarding an agency from a CSV file: every row checked and shown before anyone is added, nobody added
while any row is wrong, and each person added invited and audited."""

import pytest
from django.core import mail

from mast.access.models import Role, Team, User
from mast.administration import user_import
from mast.administration.actor import Actor
from mast.audit.models import AuditEvent
from tests.factories.access import make_agency, make_user

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,email,agency,role,team,job_title\n"


@pytest.fixture
def police():
    agency = make_agency("Northshire Police", code="northshire-police")
    Team.objects.create(agency=agency, name="Response")
    return agency


def test_a_good_file_previews_every_row_and_then_adds_and_invites_everyone(
    police, django_capture_on_commit_callbacks
):
    data = (
        HEADER + "Priya,Shah,priya.shah@police.example,northshire-police,Practitioner,Response,DC\n"
        "Tom,Okafor,tom.okafor@police.example,Northshire Police,feed owner,,\n"
    ).encode()
    preview = user_import.read(data)
    assert preview.ready and [r.line for r in preview.rows] == [2, 3]
    assert User.objects.count() == 0

    admin = make_user(Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        assert user_import.create_all(Actor(admin), preview) == 2

    priya = User.objects.get(username="priya.shah@police.example")
    assert (priya.agency, priya.role, priya.team) == (police, Role.PRACTITIONER, "Response")
    assert User.objects.get(email="tom.okafor@police.example").role == Role.FEED_OWNER
    assert sorted(m.to[0] for m in mail.outbox) == ["priya.shah@police.example", "tom.okafor@police.example"]
    assert AuditEvent.objects.filter(action="user_created").count() == 2
    assert AuditEvent.objects.get(action="users_imported").detail == {"count": 2}


def test_each_wrong_row_is_named_with_its_line_and_reason_and_nobody_is_added(police):
    data = (
        HEADER + "Priya,Shah,priya.shah@police.example,northshire-police,practitioner,,\n"
        ",Nobody,no.first@police.example,northshire-police,practitioner,,\n"
        "Dup,Licate,PRIYA.SHAH@police.example,northshire-police,practitioner,,\n"
        "Team,Box,duty@police.example,northshire-police,practitioner,,\n"
        "Wrong,Agency,w.agency@police.example,Atlantis Police,practitioner,,\n"
        "Bad,Role,b.role@police.example,northshire-police,superuser,,\n"
        "No,Team,n.team@police.example,northshire-police,practitioner,Traffic,\n"
        "Bad,Email,not-an-email,northshire-police,practitioner,,\n"
    ).encode()

    preview = user_import.read(data)

    problems = {row.line: " ".join(row.errors) for row in preview.problems}
    assert set(problems) == {3, 4, 5, 6, 7, 8, 9}
    assert "Enter their first name" in problems[3]
    assert "the same as line 2" in problems[4]
    assert "shared or team mailbox" in problems[5]
    assert "no agency called 'Atlantis Police'" in problems[6]
    assert "'superuser' is not one of MAST's roles (Practitioner, Feed owner" in problems[7]
    assert "no team called 'Traffic'" in problems[8]
    assert "correct format" in problems[9]
    assert not preview.ready
    with pytest.raises(ValueError):
        user_import.create_all(Actor(make_user(Role.ADMINISTRATOR)), preview)
    assert not User.objects.filter(email__endswith="@police.example").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,email\nA,b@c.example\n", "missing: first_name, last_name, agency, role"),
        (HEADER.encode(), "has no people in it"),
        (b"\xff\xfe\x00bad", "saved as UTF-8"),
        (b"x" * (user_import.MAX_BYTES + 1), "smaller than"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(user_import.UnreadableFile, match=message):
        user_import.read(data)
