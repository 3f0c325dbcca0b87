"""The IG pack is generated from the agreement in force and the running configuration: each document names
the fields, purposes and retention the service works by, and changes when they change."""

import html
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from mast.access.models import Role
from mast.feeds.models import Source
from mast.governance.models import SharingAgreement
from mast.governance.services import current_agreement
from mast.synth import demo
from tests.factories.access import make_user
from tests.governance.test_page import page_text
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
DOCUMENTS = ["information-sharing-agreement", "dpia", "article-30", "privacy-notice"]


@pytest.fixture
def ig(client):
    demo.ensure_partners()
    signed_in_with_factor(client, make_user(Role.IG_OFFICER))
    return client


def _page(client, slug) -> str:
    return html.unescape(page_text(client.get(reverse("web:ig-pack-document", args=[slug]))))


def _markdown(client, slug) -> str:
    response = client.get(reverse("web:ig-pack-download", args=[slug]) + "?format=md")
    assert response["Content-Type"].startswith("text/markdown")
    return response.content.decode()


@pytest.mark.parametrize("slug", DOCUMENTS)
def test_each_document_names_the_fields_purposes_and_retention_in_force_and_follows_a_change(ig, slug):
    before = _page(ig, slug)
    assert "NHS number" in before and "36 months" in before
    assert "Preventing or detecting crime against a child or an adult at risk" in before
    assert "NSP-ISA-001 version 1.0" in before

    # The partners agree to keep data for 24 months, stop sharing NHS numbers, and drop a purpose.
    agreement = current_agreement()
    agreement.retention_months = 24
    agreement.purpose_terms = [t for t in agreement.purpose_terms if t["code"] != "crime_safeguarding"]
    agreement.save()
    for entry in agreement.partners.all():
        entry.fields_shared = [f for f in entry.fields_shared if f != "nhs_number"]
        entry.save()

    for after in (_page(ig, slug), _markdown(ig, slug)):
        assert "24 months" in after and "36 months" not in after
        assert "NHS number" not in after or slug == "dpia"  # the DPIA lists it as sent but dropped
        assert "Preventing or detecting crime" not in after


def test_the_dpia_lists_each_feed_and_what_is_dropped_at_load(ig):
    agreement = current_agreement()
    police = agreement.partners.get(agency__code="northshire-police")
    police.fields_shared = [f for f in police.fields_shared if f != "contact_phone"]
    police.save()

    text = _page(ig, "dpia")

    feeds = Source.objects.filter(is_active=True).count()
    assert feeds >= 6 and f"{feeds} partner feed(s)" in text
    police_row = next(line for line in _markdown(ig, "dpia").splitlines() if "| Northshire Police |" in line)
    assert police_row.rstrip(" |").endswith("phone")


def test_the_pack_downloads_as_pdf(ig):
    response = ig.get(reverse("web:ig-pack-download", args=["article-30"]) + "?format=pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="article-30.pdf"' in response["Content-Disposition"]


def test_the_data_flow_diagram_is_svg_naming_every_feed_partner(ig):
    response = ig.get(reverse("web:ig-pack-data-flow"))

    assert response["Content-Type"] == "image/svg+xml"
    svg = ET.fromstring(response.content)  # noqa: S314 (MAST's own SVG, in a test)
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    for source in Source.objects.filter(is_active=True).select_related("agency"):
        assert source.agency.name[:20] in texts


def test_with_no_agreement_in_force_the_pack_says_so(ig):
    SharingAgreement.objects.update(status=SharingAgreement.Status.WITHDRAWN)

    assert "No data-sharing agreement is in force" in page_text(ig.get(reverse("web:ig-pack")))
    assert ig.get(reverse("web:ig-pack-document", args=["dpia"])).status_code == 404
