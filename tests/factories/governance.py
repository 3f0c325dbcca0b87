"""Versions of the sharing agreement for tests: one in force, partners with their approvers."""

from datetime import date, timedelta

from mast.access.models import Role
from mast.canonical import FIELD_NAMES
from mast.governance.demo import ensure_purposes
from mast.governance.models import AgreementPartner, SharingAgreement
from tests.factories.access import make_user


def make_agreement(**fields) -> SharingAgreement:
    """An approved version, in force from a month ago unless told otherwise, allowing every standard
    purpose."""
    purposes = ensure_purposes()
    values = {
        "status": SharingAgreement.Status.APPROVED,
        "title": "Testshire information-sharing agreement",
        "reference": "TS-ISA",
        "version": "1.0",
        "start_date": date.today() - timedelta(days=30),
        "review_date": date.today() + timedelta(days=300),
        "lawful_basis": "UK GDPR Article 6(1)(e)",
        "special_category_condition": "UK GDPR Article 9(2)(g)",
        "contact_name": "Testshire IG team",
        "contact_email": "ig@testshire.example",
        "purpose_terms": [{"code": p.code, "label": p.label, "legislation": p.legislation} for p in purposes],
        **fields,
    }
    return SharingAgreement.objects.create(**values)


def make_partner(
    agreement: SharingAgreement,
    agency,
    *,
    role: str = AgreementPartner.Role.PROVIDER_AND_USER,
    fields: list[str] | None = None,
    approver=None,
    **extra,
) -> AgreementPartner:
    """A party to `agreement`, sharing every field unless told, approved if the agreement is."""
    approver = approver or make_user(Role.IG_OFFICER, agency=agency)
    approved = agreement.status == SharingAgreement.Status.APPROVED
    return AgreementPartner.objects.create(
        agreement=agreement,
        agency=agency,
        role=role,
        fields_shared=(list(FIELD_NAMES) if fields is None else fields)
        if role == AgreementPartner.Role.PROVIDER_AND_USER
        else [],
        approver=approver,
        decision=AgreementPartner.Decision.APPROVED if approved else AgreementPartner.Decision.PENDING,
        **extra,
    )
