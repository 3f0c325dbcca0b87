"""Break glass is for named practitioners only: an IG officer names them (or an administrator, in any
agency), each naming and withdrawal is audited, and a practitioner nobody named is refused with a page that
says whom to ask."""

import pytest
from django.urls import reverse

from mast.access.models import BreakGlassGrant, Role
from mast.audit.models import AuditEvent
from mast.oversight.models import OversightAlert
from tests.factories.access import make_user
from tests.factories.people import page_text
from tests.oversight.conftest import REASON, break_glass, committed, searched, state_purpose
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db


def test_a_practitioner_nobody_named_is_refused_with_whom_to_ask(client, region, restricted_person):
    state_purpose(client, region.practitioner)
    searched(region.practitioner, [restricted_person])
    with committed():
        person_page = page_text(client.get(reverse("web:person", args=[restricted_person.public_id])))
    assert "Known to Testshire NHS" in person_page and "break glass" not in person_page

    for response in (
        client.get(reverse("web:break-glass", args=[restricted_person.public_id])),
        break_glass(client, restricted_person, REASON),
    ):
        said = page_text(response)
        assert response.status_code == 403
        assert "You cannot open restricted records" in said and "You have not been named" in said
        assert "ig@police.example" in said and "ig2@police.example" in said
        assert "ig@health.example" not in said and "Nurse Ophelia Vale" not in said
    refused = AuditEvent.objects.filter(action="break_glass", outcome="denied")
    assert [e.detail["refused"] for e in refused] == ["not named", "not named"]
    assert not AuditEvent.objects.filter(action="break_glass", outcome="allowed").exists()
    assert not OversightAlert.objects.filter(rule=OversightAlert.Rule.BROKE_GLASS).exists()


def test_an_ig_officer_names_a_practitioner_and_withdraws_it_and_both_are_audited(
    client, region, restricted_person
):
    signed_in_with_factor(client, region.ig)
    page = page_text(client.get(reverse("web:break-glass-named")))
    assert "Nobody may break glass in Testshire Police yet" in page and "Pat Quill" in page
    # A practitioner of another agency is not the police IG officer's to name.
    nurse = make_user(Role.PRACTITIONER, agency=region.health.agency, first_name="Nia", last_name="Hale")
    assert "Nia Hale" not in page
    too_short = page_text(
        client.post(reverse("web:break-glass-named"), {"user": region.practitioner.pk, "why": "EDT"})
    )
    assert "Say why their work needs it, in 10 characters or more" in too_short
    other = client.post(reverse("web:break-glass-named"), {"user": nurse.pk, "why": "Out-of-hours duty"})
    assert "Choose an active practitioner in your agency" in page_text(other)
    assert not BreakGlassGrant.objects.exists()

    named = client.post(
        reverse("web:break-glass-named"), {"user": region.practitioner.pk, "why": "Emergency duty team"}
    )
    assert named.status_code == 302
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.granted_by, grant.withdrawn_at) == (region.practitioner, region.ig, None)
    event = AuditEvent.objects.filter(action="manage_break_glass").get()
    assert (event.username, event.target, event.purpose_code) == (
        region.ig.username,
        f"user:{region.practitioner.username}",
        "governance",
    )
    assert event.detail == {"change": "named", "agency": "Testshire Police", "why": "Emergency duty team"}
    listed = page_text(client.get(reverse("web:break-glass-named")))
    assert "1 practitioner may break glass" in listed and "Emergency duty team" in listed

    # Named, the practitioner breaks the glass.
    client.logout()
    state_purpose(client, region.practitioner)
    assert "You broke the glass" in page_text(break_glass(client, restricted_person, REASON))

    client.logout()
    signed_in_with_factor(client, region.ig)
    client.post(reverse("web:break-glass-withdraw", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.withdrawn_by == region.ig and grant.withdrawn_at is not None
    withdrawn = AuditEvent.objects.filter(action="manage_break_glass").order_by("sequence").last()
    assert withdrawn.detail["change"] == "withdrawn"
    assert "Withdrawn (most recent 50)" in page_text(client.get(reverse("web:break-glass-named")))

    # Withdrawn, they are refused again; the grant is kept, not deleted.
    client.logout()
    state_purpose(client, region.practitioner)
    assert break_glass(client, restricted_person, REASON).status_code == 403
    assert BreakGlassGrant.objects.count() == 1


def test_an_ig_officer_cannot_withdraw_another_agencys_grant(client, region):
    nurse = make_user(Role.PRACTITIONER, agency=region.health.agency)
    grant = BreakGlassGrant.objects.create(user=nurse, why="Out-of-hours nurse", granted_by=region.health_ig)
    signed_in_with_factor(client, region.ig)
    response = client.post(reverse("web:break-glass-withdraw", args=[grant.pk]), follow=True)
    assert "already been withdrawn, or is not your agency" in page_text(response)
    grant.refresh_from_db()
    assert grant.withdrawn_at is None
    assert not AuditEvent.objects.filter(action="manage_break_glass").exists()


def test_an_administrator_names_practitioners_in_any_agency(client, region):
    admin = make_user(Role.ADMINISTRATOR, agency=make_user(Role.ANALYST).agency)
    fire = make_user(Role.PRACTITIONER, first_name="Fen", last_name="Ash")
    signed_in_with_factor(client, admin)
    page = page_text(client.get(reverse("web:break-glass-named")))
    assert "Pat Quill" in page and "Fen Ash" in page
    client.post(reverse("web:break-glass-named"), {"user": fire.pk, "why": "Fire safeguarding lead"})
    assert BreakGlassGrant.objects.get().user == fire


def test_other_roles_cannot_name_anyone(client, region):
    signed_in_with_factor(client, make_user(Role.FEED_OWNER, agency=region.police.agency))
    assert client.get(reverse("web:break-glass-named")).status_code == 403
    client.logout()
    state_purpose(client, region.practitioner)
    assert client.get(reverse("web:break-glass-named")).status_code == 403
