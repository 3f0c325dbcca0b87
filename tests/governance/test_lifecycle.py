"""A version's life: drafted from the one in force, sent to every partner's approver, approved by each, in
force on its start date; a rejection sends it back with the note; every step in the audit log."""

from datetime import date, timedelta

import pytest
from django.core import mail

from mast.access.models import Role
from mast.audit.models import AuditEvent
from mast.governance import lifecycle
from mast.governance.diff import changes
from mast.governance.lifecycle import AgreementError
from mast.governance.models import AgreementPartner, SharingAgreement
from mast.governance.services import current_agreement, purposes, retention_months
from tests.factories.access import make_agency, make_user
from tests.factories.governance import make_agreement, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    """Version 1.0 in force, police and children's services its parties, each with its own approver."""
    police, childrens = make_agency("Testshire Police"), make_agency("Testshire Children's Services")
    v1 = make_agreement()
    make_partner(
        v1,
        police,
        approver=make_user(Role.IG_OFFICER, agency=police, username="police.dpo", email="dpo@police.test"),
    )
    make_partner(
        v1,
        childrens,
        approver=make_user(Role.IG_OFFICER, agency=childrens, username="csc.dpo", email="dpo@csc.test"),
    )
    ig = make_user(Role.IG_OFFICER, agency=make_agency("Testshire MAST"), username="ig.officer")
    return {"v1": v1, "police": police, "childrens": childrens, "ig": ig}


def _actions() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="agreement_").values_list("action", flat=True))


def _approver(username: str):
    from mast.access.models import User

    return User.objects.get(username=username)


def test_a_draft_copies_the_version_in_force_and_is_not_in_force(partnership):
    draft = lifecycle.start_draft(partnership["ig"])

    assert (draft.status, draft.version, draft.reference) == ("draft", "1.1", "TS-ISA")
    assert sorted(draft.partners.values_list("agency__name", flat=True)) == [
        "Testshire Children's Services",
        "Testshire Police",
    ]
    assert current_agreement() == partnership["v1"]
    with pytest.raises(AgreementError, match="already draft"):
        lifecycle.start_draft(partnership["ig"])


def test_approved_by_every_partner_it_comes_into_force_on_its_start_date(
    partnership, django_capture_on_commit_callbacks
):
    ig, v1 = partnership["ig"], partnership["v1"]
    draft = lifecycle.start_draft(ig)
    starts = date.today() + timedelta(days=5)
    lifecycle.change_details(draft, ig, {"retention_months": 24, "start_date": starts})

    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.send_for_approval(draft, ig) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["dpo@csc.test", "dpo@police.test"]
    lifecycle.decide(draft, _approver("police.dpo"), approve=True, note="")
    draft.refresh_from_db()
    assert draft.status == "awaiting" and current_agreement() == v1

    lifecycle.decide(draft, _approver("csc.dpo"), approve=True, note="Agreed at the board")
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert draft.status == "approved"
    # Version 1.0 runs until the day before; 1.1 is in force, with its retention, from its start date.
    assert v1.end_date == starts - timedelta(days=1)
    assert current_agreement(date.today()) == v1 and retention_months(date.today()) == 36
    assert current_agreement(starts) == draft and retention_months(starts) == 24
    assert _actions() == [
        "agreement_draft",
        "agreement_change",
        "agreement_sent",
        "agreement_approved",
        "agreement_approved",
        "agreement_in_force",
    ]


def test_a_rejection_needs_a_note_and_sends_the_version_back_to_draft(partnership):
    ig = partnership["ig"]
    draft = lifecycle.start_draft(ig)
    lifecycle.send_for_approval(draft, ig)

    with pytest.raises(AgreementError, match="Say why"):
        lifecycle.decide(draft, _approver("police.dpo"), approve=False, note="  ")
    lifecycle.decide(draft, _approver("police.dpo"), approve=False, note="Retention is too long for us")

    draft.refresh_from_db()
    entry = draft.partners.get(agency=partnership["police"])
    assert draft.status == "draft"
    assert (entry.decision, entry.decision_note) == ("rejected", "Retention is too long for us")
    # Sent again, every partner is asked again: what they would approve has changed.
    lifecycle.send_for_approval(draft, ig)
    assert set(draft.partners.values_list("decision", flat=True)) == {"pending"}


def test_only_the_nominated_approver_decides_and_only_a_draft_changes(partnership):
    ig = partnership["ig"]
    draft = lifecycle.start_draft(ig)
    lifecycle.send_for_approval(draft, ig)

    with pytest.raises(AgreementError, match="not the nominated approver"):
        lifecycle.decide(draft, ig, approve=True, note="")
    with pytest.raises(AgreementError, match="only a draft can be changed"):
        lifecycle.change_details(draft, ig, {"retention_months": 12})
    with pytest.raises(AgreementError, match="only a draft can be changed"):
        lifecycle.change_details(partnership["v1"], ig, {"retention_months": 12})


def test_a_draft_that_cannot_be_sent_says_why(partnership):
    ig, police = partnership["ig"], partnership["police"]
    draft = lifecycle.start_draft(ig)
    AgreementPartner.objects.filter(agreement=draft, agency=police).update(
        approver=None, fields_shared=["record_id"]
    )
    lifecycle.change_details(draft, ig, {"start_date": date.today() + timedelta(days=1)})

    with pytest.raises(AgreementError) as refused:
        lifecycle.send_for_approval(draft, ig)

    said = " ".join(refused.value.problems)
    assert "Name who approves the agreement for Testshire Police" in said
    assert "must share the fields every record needs" in said and "given name" in said


def test_an_approver_must_be_an_ig_officer_of_that_partner(partnership):
    ig, police = partnership["ig"], partnership["police"]
    draft = lifecycle.start_draft(ig)
    with pytest.raises(AgreementError, match="information-governance officer of Testshire Police"):
        lifecycle.set_partner(
            draft,
            ig,
            police,
            role=AgreementPartner.Role.USER,
            fields_shared=[],
            approver=_approver("csc.dpo"),
            participation_ends=None,
        )


def test_the_purposes_a_version_names_are_the_ones_offered_once_it_is_in_force(partnership):
    ig = partnership["ig"]
    draft = lifecycle.start_draft(ig)
    lifecycle.set_purposes(draft, ig, {"mash_triage": "Children Act 2004, section 11"})
    lifecycle.change_details(draft, ig, {"start_date": date.today()})
    lifecycle.send_for_approval(draft, ig)
    assert "adult_at_risk" in purposes().values_list("code", flat=True)

    lifecycle.decide(draft, _approver("police.dpo"), approve=True, note="")
    lifecycle.decide(draft, _approver("csc.dpo"), approve=True, note="")

    assert list(purposes().values_list("code", flat=True)) == ["mash_triage"]


def test_the_difference_between_two_versions_names_each_changed_term(partnership):
    ig, police = partnership["ig"], partnership["police"]
    draft = lifecycle.start_draft(ig)
    lifecycle.change_details(draft, ig, {"retention_months": 24})
    entry = draft.partners.get(agency=police)
    lifecycle.set_partner(
        draft,
        ig,
        police,
        role=entry.role,
        fields_shared=[f for f in entry.fields_shared if f != "contact_phone"],
        approver=entry.approver,
        participation_ends=date.today() + timedelta(days=90),
    )

    draft.refresh_from_db()
    found = {(c.section, c.term): (c.before, c.after) for c in changes(partnership["v1"], draft)}

    assert found[("The agreement", "Retention (months)")] == ("36", "24")
    before, after = found[("Testshire Police", "Fields shared")]
    assert "phone" in before and "phone" not in after
    assert found[("Testshire Police", "Participation ends")][0] == ""
    assert ("Testshire Children's Services", "Fields shared") not in found


def test_withdrawn_versions_are_kept_read_only(partnership):
    ig = partnership["ig"]
    draft = lifecycle.start_draft(ig)
    lifecycle.withdraw(draft, ig)

    draft.refresh_from_db()
    assert draft.status == SharingAgreement.Status.WITHDRAWN
    with pytest.raises(AgreementError):
        lifecycle.change_details(draft, ig, {"retention_months": 12})
    assert lifecycle.start_draft(ig).version == "1.2"
