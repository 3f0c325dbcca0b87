"""Accounts as an administrator manages them: one named person in one agency, invited by a link that works
once, changes audited as they were and as they are, and a lost phone reset without opening a back door."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mast.access.models import RecoveryCodes, Role, Team
from mast.administration import accounts, feed_owners
from mast.administration.actor import Actor, RefusedChange
from mast.administration.user_details import UserDetails
from mast.audit.models import AuditEvent
from mast.feeds.models import Source
from tests.factories.access import DEFAULT_PASSWORD, make_agency, make_user
from tests.signing_in import give_second_factor, signed_in_with_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kettle orchard lantern mosaic"


@pytest.fixture
def admin():
    return make_user(Role.ADMINISTRATOR, first_name="Ada", last_name="Minister")


def details(agency, /, **changes):
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "Priya.Shah@police.example",
        "agency": agency.pk,
        "role": Role.PRACTITIONER,
        "team": "",
        "job_title": "Detective constable",
    }
    return {**data, **changes}


def valid(data, **kwargs):
    form = UserDetails(data, **kwargs)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def link_in(message) -> str:
    return re.search(r"https?://\S+(/set-password/\S+/)", message.body).group(1)


def test_a_user_needs_an_agency_and_their_own_named_email(admin):
    agency = make_agency()
    Team.objects.create(agency=agency, name="MASH", email="northshire.mash@police.example")
    cases = {
        "agency": (details(agency, agency=""), "Select their agency"),
        "email": (details(agency, email="safeguarding@police.example"), "not a shared or team mailbox"),
        "email ": (details(agency, email="northshire.mash@police.example"), "team's shared mailbox"),
        "first_name": (details(agency, first_name=""), "Enter their first name"),
    }
    for field, (data, message) in cases.items():
        form = UserDetails(data)
        assert not form.is_valid()
        assert message in form.errors[field.strip()][0]


def test_an_email_already_in_use_is_refused_whatever_its_case(admin):
    agency = make_agency()
    accounts.create(Actor(admin), valid(details(agency)), invite=False)
    form = UserDetails(details(agency, email="PRIYA.SHAH@police.example"))
    assert not form.is_valid()
    assert form.errors["email"] == ["Someone in MAST already has this email address"]


def test_a_team_must_be_one_of_the_agencys_own(admin):
    agency = make_agency("Northshire Police")
    Team.objects.create(agency=agency, name="Response")
    form = UserDetails(details(agency, team="Traffic"))
    assert not form.is_valid()
    assert "Northshire Police has no team called 'Traffic'. Its teams: Response" in form.errors["team"][0]
    assert valid(details(agency, team="response"))["team"] == "Response"


def test_adding_a_user_audits_it_and_emails_an_invitation_that_works_once(
    admin, django_capture_on_commit_callbacks
):
    agency = make_agency()
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.create(Actor(admin, "192.0.2.1"), valid(details(agency)))

    assert user.username == "priya.shah@police.example" and not user.has_usable_password()
    event = AuditEvent.objects.get(action="user_created")
    assert (event.username, event.target, event.ip_address) == (
        admin.username,
        f"user:{user.username}",
        "192.0.2.1",
    )
    assert event.detail == {"agency": agency.name, "role": "practitioner", "team": "", "invited": True}
    (invitation,) = mail.outbox
    assert invitation.to == ["priya.shah@police.example"] and "given you an account" in invitation.body
    link = link_in(invitation)

    client = Client()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("web:sign-in")
    # Choosing a password signs nobody in: they sign in, then set up their app.
    assert "_auth_user_id" not in client.session
    assert client.get(link).status_code == 404
    response = client.post(reverse("web:sign-in"), {"username": user.username, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("web:second-factor-setup")
    assert AuditEvent.objects.filter(action="password_set", target=f"user:{user.username}").exists()


def test_a_password_from_the_common_list_or_too_short_is_refused_on_the_link(admin):
    user = make_user()
    from mast.administration import links

    client = Client()
    for password, message in [("password1234", "too common"), ("short", "at least 12 characters")]:
        html = client.post(links.path_for(user), {"new_password1": password, "new_password2": password})
        assert message in html.content.decode()
    long = "a correct horse staple battery on the hill with no rules at all but length x"[:64]
    assert (
        client.post(links.path_for(user), {"new_password1": long, "new_password2": long}).status_code == 302
    )


def test_a_password_reset_never_skips_the_second_factor(admin):
    user = make_user(email="sam@police.example")
    give_second_factor(user)
    accounts.invite_again(Actor(admin), user)
    client = Client()
    client.post(link_in(mail.outbox[0]), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post(reverse("web:sign-in"), {"username": user.username, "password": NEW_PASSWORD})

    assert response["Location"] == reverse("web:second-factor")
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:second-factor"))


def test_a_change_is_audited_as_it_was_and_as_it_is_and_signs_them_out(admin):
    agency = make_agency()
    Team.objects.create(agency=agency, name="MASH")
    user = make_user(Role.PRACTITIONER, agency=agency)
    client = signed_in_with_factor(Client(), user)
    client.get(reverse("web:home"))
    data = valid(
        {**details(agency), **{"email": "sam@police.example"}, "role": Role.FEED_OWNER, "team": "MASH"}
    )

    accounts.change(Actor(admin), user, data)

    event = AuditEvent.objects.get(action="user_changed")
    assert event.detail["changes"]["role"] == {"from": "practitioner", "to": "feed_owner"}
    assert event.detail["changes"]["team"] == {"from": "", "to": "MASH"}
    assert event.detail["sessions_ended"] == 1
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))


def test_an_administrator_cannot_switch_off_or_demote_themselves(admin):
    with pytest.raises(RefusedChange):
        accounts.disable(Actor(admin), admin)
    with pytest.raises(RefusedChange):
        accounts.change(Actor(admin), admin, {"role": Role.PRACTITIONER})
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ADMINISTRATOR


def test_a_switched_off_account_can_be_switched_back_on(admin):
    user = make_user()
    accounts.disable(Actor(admin), user)
    accounts.enable(Actor(admin), user)
    user.refresh_from_db()
    assert user.is_active
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["user_disabled", "user_enabled"]


def test_resetting_a_lost_second_factor_removes_it_stops_the_password_and_emails_a_link(
    admin, django_capture_on_commit_callbacks
):
    user = make_user(email="sam@police.example")
    give_second_factor(user)
    RecoveryCodes.objects.create(user=user, name="codes", hashes=["x"])
    client = signed_in_with_factor(Client(), user)
    client.get(reverse("web:home"))

    with django_capture_on_commit_callbacks(execute=True):
        accounts.reset_second_factor(Actor(admin), user)

    assert not TOTPDevice.objects.filter(user=user).exists() and not RecoveryCodes.objects.filter(user=user)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:sign-in"))
    # The old password no longer works: whoever knew it cannot set up an app of their own.
    assert (
        Client()
        .post(reverse("web:sign-in"), {"username": user.username, "password": DEFAULT_PASSWORD})
        .status_code
        == 200
    )
    (message,) = mail.outbox
    assert message.to == ["sam@police.example"] and "second factor was reset" in message.subject
    event = AuditEvent.objects.get(action="second_factors_reset")
    assert event.username == admin.username and event.detail == {"factor": "all", "by": admin.username}


def test_only_the_feed_agencys_feed_owners_can_own_a_feed_and_changes_are_audited(admin):
    source = Source.objects.create(
        code="test-police", name="Test Police feed", agency=make_agency(), mapping="t"
    )
    owner = make_user(Role.FEED_OWNER, agency=source.agency)
    practitioner = make_user(Role.PRACTITIONER, agency=source.agency)
    stranger = make_user(Role.FEED_OWNER)

    assert list(feed_owners.candidates(source)) == [owner]
    for wrong in (practitioner, stranger):
        with pytest.raises(ValueError):
            feed_owners.set_owners(Actor(admin), source, [wrong])
    change = feed_owners.set_owners(Actor(admin), source, [owner])

    assert change == {"added": [owner.username], "removed": []}
    assert list(source.owners.all()) == [owner]
    event = AuditEvent.objects.get(action="feed_owners_changed")
    assert event.target == f"source:{source.code}" and event.detail["added"] == [owner.username]
