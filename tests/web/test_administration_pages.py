"""The administrator's pages as an administrator uses them: what they post, what MAST does and says."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mast.access.models import Agency, Role, Team, User
from mast.audit.models import AuditEvent
from mast.feeds.models import Source
from tests.factories.access import make_agency, make_user
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    agency = make_agency("Northshire Police", code="northshire-police")
    Team.objects.create(agency=agency, name="Response")
    return agency


@pytest.fixture
def admin(client, police):
    user = make_user(Role.ADMINISTRATOR, agency=police, first_name="Ada", last_name="Minister")
    signed_in_with_factor(client, user)
    return user


def test_adding_a_user_shows_govuk_errors_then_adds_them(client, admin, police):
    html = client.post(reverse("web:admin-user-new"), {"first_name": "Priya"}).content.decode()
    assert "<title>Error: Add a user" in html
    assert '<a href="#last_name">Enter their last name</a>' in html
    assert 'value="Priya"' in html

    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@police.example",
        "agency": police.pk,
        "role": Role.PRACTITIONER,
        "team": "Response",
    }
    response = client.post(reverse("web:admin-user-new"), data, follow=True)

    priya = User.objects.get(email="priya.shah@police.example")
    assert response.redirect_chain[-1][0] == reverse("web:admin-user", args=[priya.pk])
    assert "has been added and sent an invitation" in response.content.decode()
    assert priya.team == "Response"


def test_an_administrator_cannot_demote_themselves_on_the_page(client, admin, police):
    data = {
        "first_name": "Ada",
        "last_name": "Minister",
        "email": "ada@police.example",
        "agency": police.pk,
        "role": Role.PRACTITIONER,
    }
    html = client.post(reverse("web:admin-user-edit", args=[admin.pk]), data).content.decode()
    assert "You cannot change your own role" in html
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR


def test_switching_a_user_off_asks_first_then_does_it(client, admin, police):
    leaver = make_user(agency=police)
    html = client.get(reverse("web:admin-user-disable", args=[leaver.pk])).content.decode()
    assert "They will be signed out everywhere now" in html
    leaver.refresh_from_db()
    assert leaver.is_active

    response = client.post(reverse("web:admin-user-disable", args=[leaver.pk]), follow=True)

    leaver.refresh_from_db()
    assert not leaver.is_active
    assert "is switched off and cannot sign in" in response.content.decode()


def test_importing_a_csv_previews_then_adds_on_confirming(client, admin, police):
    csv = (
        b"first_name,last_name,email,agency,role\n"
        b"Tom,Okafor,tom.okafor@police.example,northshire-police,analyst\n"
    )
    upload = SimpleUploadedFile("users.csv", csv, content_type="text/csv")

    html = client.post(reverse("web:admin-users-import"), {"file": upload}).content.decode()

    assert "The 1 person in the file is right. Nobody has been added yet." in html
    assert not User.objects.filter(email="tom.okafor@police.example").exists()
    response = client.post(reverse("web:admin-users-import"), {"confirm": "yes"}, follow=True)
    assert "1 person added and sent an invitation" in response.content.decode()
    assert User.objects.get(email="tom.okafor@police.example").role == Role.ANALYST


def test_a_confirm_without_a_preview_asks_for_the_file_again(client, admin):
    response = client.post(reverse("web:admin-users-import"), {"confirm": "yes"}, follow=True)
    assert "Upload the file again" in response.content.decode()


def test_agencies_and_teams_are_added_with_their_errors_shown(client, admin, police):
    html = client.post(reverse("web:admin-agency-new"), {"name": "Northshire Police", "code": "Bad Code"})
    html = html.content.decode()
    assert "There is already an agency with this name" in html
    assert "lower-case letters, numbers and hyphens" in html

    data = {"name": "Northshire Ambulance Service", "code": "northshire-ambulance", "kind": "health"}
    client.post(reverse("web:admin-agency-new"), data)
    ambulance = Agency.objects.get(code="northshire-ambulance")
    client.post(reverse("web:admin-team-new", args=[ambulance.pk]), {"name": "Safeguarding"})

    assert list(ambulance.teams.values_list("name", flat=True)) == ["Safeguarding"]
    assert [e.action for e in AuditEvent.objects.filter(action__in=["agency_created", "team_created"])] == [
        "agency_created",
        "team_created",
    ]


def test_renaming_a_team_renames_it_for_its_members(client, admin, police):
    team = Team.objects.get(agency=police, name="Response")
    member = make_user(agency=police, team="Response")
    client.post(reverse("web:admin-team", args=[police.pk, team.pk]), {"name": "Response and Patrol"})
    member.refresh_from_db()
    assert member.team == "Response and Patrol"


def test_a_feeds_owners_are_chosen_from_its_agencys_feed_owners(client, admin, police):
    source = Source.objects.create(code="police-niche", name="Police Niche feed", agency=police, mapping="t")
    owner = make_user(Role.FEED_OWNER, agency=police, first_name="Fran", last_name="Feeds")
    outsider = make_user(Role.FEED_OWNER)

    html = client.get(reverse("web:admin-feed-owners", args=[source.pk])).content.decode()
    assert "Fran Feeds" in html and outsider.get_full_name() not in html
    client.post(reverse("web:admin-feed-owners", args=[source.pk]), {"owners": [owner.pk]})
    assert list(source.owners.all()) == [owner]
    html = client.post(reverse("web:admin-feed-owners", args=[source.pk]), {"owners": [outsider.pk]})
    assert "Select a valid choice" in html.content.decode()
    assert list(source.owners.all()) == [owner]
