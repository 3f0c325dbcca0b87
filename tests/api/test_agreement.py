"""The agreement in force as the MAIS SharingPolicy a partner's system reads, and the same document deciding
its questions: change the agreement and both change."""

from datetime import date, timedelta

import pytest

from mast.governance.models import SharingAgreement
from tests.api.test_match import ask, question

pytestmark = pytest.mark.django_db
URL = "/api/v1/agreement/"


def test_a_partner_system_reads_the_agreement_in_force_as_a_mais_sharing_policy(world):
    response = world.asker().get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["resourceType"] == "SharingPolicy"
    assert body["Identifier"]["value"] == "NSP-ISA-001/v1.0"
    parties = {p["CatalogueID"][0]: p for p in body["Party"]}
    police = parties[f"urn:mast:agency:{world.police.agency.code}"]
    assert police["DataProvider"] and police["DataRecipient"]
    assert "urn:mast:canonical:nhs_number" in body["Data"]
    assert "urn:mast:purpose:child_at_risk" in [p["code"] for p in body["Purpose"]]
    assert body["mast"]["retentionMonths"] == 36
    # A push key may read it too; nobody without a key may.
    assert world.pusher().get(URL).status_code == 200
    assert world.client().get(URL).status_code in (401, 403)


def test_a_purpose_dropped_from_the_agreement_leaves_the_document_and_is_denied(world):
    agreement = SharingAgreement.objects.get()
    agreement.purpose_terms = [t for t in agreement.purpose_terms if t["code"] != "child_at_risk"]
    agreement.save()

    codes = [p["code"] for p in world.asker().get(URL).json()["Purpose"]]

    assert "urn:mast:purpose:child_at_risk" not in codes
    assert ask(world, question()).json()["decision"] == "DENY"


def test_a_partner_whose_participation_ended_is_denied_and_cannot_push(world):
    ended = date.today() - timedelta(days=1)
    world.childrens.agency.agreements.update(participation_ends=ended)
    world.police.agency.agreements.update(participation_ends=ended)

    body = ask(world, question()).json()
    assert body["decision"] == "DENY" and "participation" in body["detail"]
    pushed = world.pusher().post("/api/v1/records/", {"records": []}, format="json")
    assert pushed.status_code == 403 and "participation" in pushed.json()["detail"]


def test_with_no_agreement_in_force_there_is_nothing_to_read(world):
    SharingAgreement.objects.update(end_date=date.today() - timedelta(days=1))

    response = world.asker().get(URL)

    assert response.status_code == 404 and "No version" in response.json()["detail"]
