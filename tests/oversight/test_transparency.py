"""The public transparency page: what is shared, why, for how long, whom to ask, and how often MAST is
searched by each agency, with small numbers hidden. No sign-in, and no person in it."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from mast.audit import chain
from mast.governance.models import AgreementPartner, SharingAgreement
from mast.governance.services import partner_entry
from tests.factories.access import make_agency, make_user
from tests.factories.people import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _searches(user, n):
    for _ in range(n):
        terms = {"terms": {"family_name": "Quill"}}
        chain.append(
            user=user, action="search_people", target="search", detail=terms, purpose_code="mash_triage"
        )


def test_anyone_reads_the_partnership_its_agreement_and_how_to_ask_for_their_data(client, region, settings):
    settings.MAST_DPIA_DATE = "2026-03-31"
    settings.MAST_SUBJECT_ACCESS_CONTACT = "dpo@testshire.example"
    agreement = SharingAgreement.objects.create(
        status=SharingAgreement.Status.APPROVED,
        title="Testshire safeguarding agreement", reference="TS-ISA", version="2",
        start_date=date(2026, 1, 1), review_date=date(2027, 1, 1),
        lawful_basis="UK GDPR Article 6(1)(e): public task",
        special_category_condition="Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18",
    )  # fmt: skip
    partner_entry(agreement, region.police.agency, AgreementPartner.Role.PROVIDER_AND_USER, ["given_name"])
    response = client.get(reverse("web:transparency"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Testshire safeguarding agreement (TS-ISA, version 2)" in text
    assert "Testshire Police" in text and "36 months" in text and "Last reviewed 31 March 2026" in text
    assert "Contact dpo@testshire.example" in text and "public task" in text
    assert "Ada Quill" not in text


def test_searches_by_agency_and_month_hide_small_numbers(client, region):
    _searches(region.practitioner, 12)
    health = make_user(agency=region.health.agency, first_name="Hana", last_name="Nurse")
    _searches(health, 2)
    text = page_text(client.get(reverse("web:transparency")))
    month = date.today().strftime("%b %Y")
    table = text.split("How often MAST is searched", 1)[1]
    assert f"{month} Total" in table
    body = table.split(" Total ", 1)[1]
    rows = {name: body.split(f"{name} ", 1)[1].split()[:13] for name in ("Testshire NHS", "Testshire Police")}
    rows["Total"] = body.split("Testshire Police", 1)[1].split("Total ", 1)[1].split()[:13]
    # The NHS trust's two searches are hidden, and so is the police's twelve, which would give them away
    # beside the total of fourteen.
    assert rows["Testshire NHS"][-2:] == ["[c]", "[c]"] and rows["Testshire Police"][-2:] == ["[c]", "[c]"]
    assert rows["Total"][-2:] == ["14", "14"]
    assert "[c] means the number is hidden" in text
    # A third agency with more searches shows its count (the police's, smaller, still hides the NHS trust's).
    fire = make_user(agency=make_agency("Testshire Fire"))
    _searches(fire, 20)
    cache.clear()
    table = page_text(client.get(reverse("web:transparency"))).split("How often MAST is searched", 1)[1]
    assert table.split("Testshire Fire", 1)[1].split()[11:13] == ["20", "20"]
