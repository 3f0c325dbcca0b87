"""The data-sharing agreement as data: the demo's agreement, which agreement is in force, the figures the rest
of MAST reads from it, and the checks on what a partner may be recorded as sharing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from mast.access.models import Agency
from mast.canonical import FIELD_NAMES
from mast.feeds.mapping import all_mappings
from mast.governance import services
from mast.governance.demo import PURPOSES, ensure_demo_agreement, ensure_purposes
from mast.governance.models import AgreementPartner, Purpose, SharingAgreement
from mast.synth import demo
from tests.factories.access import make_agency

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


def make_agreement(**fields) -> SharingAgreement:
    values = {
        "title": "Testshire information-sharing agreement",
        "reference": "TS-ISA",
        "version": "1",
        "start_date": date(2026, 1, 1),
        "review_date": date(2027, 1, 1),
        "lawful_basis": "UK GDPR Article 6(1)(e)",
        "special_category_condition": "UK GDPR Article 9(2)(g)",
        "status": SharingAgreement.Status.APPROVED,
        **fields,
    }
    return SharingAgreement.objects.create(**values)


# -- the demo's agreement ------------------------------------------------------------------------------------


def test_the_demo_records_an_agreement_naming_every_partner_and_what_each_feed_shares():
    demo.ensure_partners()

    agreement = services.current_agreement()
    assert agreement is not None and agreement.reference == "NSP-ISA-001"
    assert set(agreement.partners.values_list("agency__code", flat=True)) == set(
        Agency.objects.values_list("code", flat=True)
    )
    for mapping in all_mappings():
        partner = agreement.partners.get(agency__code=mapping.agency.code)
        assert partner.role == AgreementPartner.Role.PROVIDER_AND_USER
        # Exactly what the feed sends, in the canonical order.
        assert partner.fields_shared == [f for f in FIELD_NAMES if f in mapping.columns]
    host = agreement.partners.get(agency__code=demo.HOST_AGENCY)
    assert host.role == AgreementPartner.Role.HOST and host.fields_shared == []
    assert agreement.partners.filter(role=AgreementPartner.Role.USER).count() == len(demo.EXTRA_AGENCIES) - 1
    assert (agreement.display_window_months, agreement.retention_months) == (12, 36)


def test_the_demo_agreement_can_be_loaded_again_without_duplicates():
    demo.ensure_partners()
    counts = (SharingAgreement.objects.count(), AgreementPartner.objects.count(), Purpose.objects.count())

    demo.ensure_partners()

    assert (
        SharingAgreement.objects.count(),
        AgreementPartner.objects.count(),
        Purpose.objects.count(),
    ) == counts


def test_purpose_codes_stay_stable_because_audit_events_store_them():
    # Renaming a code would orphan every audit event that names it: change labels, never codes.
    assert [p.code for p in PURPOSES] == [
        "mash_triage",
        "child_at_risk",
        "adult_at_risk",
        "child_protection_conference",
        "crime_safeguarding",
    ]


def test_an_ig_officers_withdrawal_of_a_purpose_survives_reloading_and_it_is_no_longer_offered():
    ensure_purposes()
    Purpose.objects.filter(code="crime_safeguarding").update(is_active=False)

    ensure_purposes()

    offered = [p.code for p in services.purposes()]
    assert offered == ["mash_triage", "child_at_risk", "adult_at_risk", "child_protection_conference"]
    assert Purpose.objects.filter(code="crime_safeguarding").exists()


def test_the_demo_agreement_needs_its_partners_to_exist_first():
    with pytest.raises(ValueError, match="no-such-agency"):
        ensure_demo_agreement({"no-such-agency": ["given_name"]}, users=[])


# -- which agreement is in force, and its figures ------------------------------------------------------------


def test_the_agreement_in_force_is_the_latest_started_and_not_ended():
    first = make_agreement(version="1", start_date=date(2025, 4, 1), end_date=date(2026, 3, 31))
    second = make_agreement(version="2", start_date=date(2026, 4, 1))
    make_agreement(version="3", start_date=date(2027, 4, 1))  # agreed, not yet in force

    assert services.current_agreement(date(2025, 12, 1)) == first
    assert services.current_agreement(TODAY) == second
    assert services.current_agreement(date(2025, 1, 1)) is None


def test_display_window_and_retention_come_from_the_agreement_in_force(settings):
    settings.MAST_DISPLAY_MONTHS, settings.MAST_RETENTION_MONTHS = 12, 36
    assert (services.display_window_months(TODAY), services.retention_months(TODAY)) == (12, 36)

    make_agreement(display_window_months=6, retention_months=24)

    assert (services.display_window_months(TODAY), services.retention_months(TODAY)) == (6, 24)


def test_an_agreement_cannot_show_data_for_longer_than_it_keeps_it():
    agreement = make_agreement(display_window_months=48, retention_months=36)

    with pytest.raises(ValidationError, match="longer than it is kept"):
        agreement.full_clean()


# -- what a partner shares -----------------------------------------------------------------------------------


def test_a_partner_shares_only_canonical_fields_kept_in_canonical_order():
    agreement, agency = make_agreement(), make_agency()

    entry = services.partner_entry(
        agreement, agency, AgreementPartner.Role.PROVIDER_AND_USER, ["postcode", "given_name", "family_name"]
    )

    assert entry.fields_shared == ["given_name", "family_name", "postcode"]
    with pytest.raises(ValidationError, match="case_notes"):
        services.partner_entry(
            agreement, agency, AgreementPartner.Role.PROVIDER_AND_USER, ["given_name", "case_notes"]
        )
    with pytest.raises(ValidationError, match="Only a partner that shares data"):
        services.partner_entry(agreement, agency, AgreementPartner.Role.USER, ["given_name"])


def test_fields_are_grouped_and_named_for_people_to_read():
    groups = services.fields_by_group(["nhs_number", "given_name", "postcode", "contact_phone"])

    assert [(g.title, g.labels) for g in groups] == [
        ("The person", ["given name", "NHS number"]),
        ("Their address", ["postcode"]),
        ("Who to contact", ["phone"]),
    ]
