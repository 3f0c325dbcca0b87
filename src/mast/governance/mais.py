"""The agreement as the MAIS information-governance standard's machine-readable sharing policy.

SocialCareData's information-governance standard (dsa.json, v0.1 of the schema within Data Exchange v0.3)
defines a `SharingPolicy` with ODRL alignments: URI, Identifier, Name, Contact, Party, Data, Purpose,
StartDate, EndDate, PermittedUse, Restrictions, DataRecipientResponsibilities, SecurityMeasure and
LegalCompliance. This module writes a version of MAST's agreement in those names, and adds what the standard
has no field for (each party's role and fields, the display window, retention, due times, the review date and
approval status) under `mast`, so nothing a partner's system needs is lost. What maps and what does not:
docs/decisions/0028-agreement-versions-and-mais-sharing-policy.md.

The partner API's policy decision (api/decision.py) reads this same document, so the JSON a partner fetches
and the decisions MAST makes cannot disagree.
"""

from datetime import date

from django.conf import settings
from django.urls import reverse

from mast.governance.models import AgreementPartner, SharingAgreement
from mast.governance.services import current_agreement, purpose_terms

SCHEMA = "https://github.com/SocialCareData/information-governance/blob/main/dsa.json"
PARTY_SYSTEM = "urn:mast:agency:"
PURPOSE_SYSTEM = "urn:mast:purpose:"
FIELD_SYSTEM = "urn:mast:canonical:"

PROVIDES = {AgreementPartner.Role.PROVIDER_AND_USER}
RECEIVES = {AgreementPartner.Role.PROVIDER_AND_USER, AgreementPartner.Role.USER}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def agreement_document(version: SharingAgreement) -> dict:
    """One version as a MAIS SharingPolicy (with MAST's additions under "mast")."""
    base = settings.MAST_BASE_URL.rstrip("/")
    parties = []
    data: list[str] = []
    for entry in version.partners.select_related("agency").order_by("agency__name"):
        parties.append(
            {
                "Name": entry.agency.name,
                "CatalogueID": [f"{PARTY_SYSTEM}{entry.agency.code}"],
                "DataProvider": entry.role in PROVIDES,
                "DataRecipient": entry.role in RECEIVES,
                "mast": {
                    "role": entry.role,
                    "fieldsShared": list(entry.fields_shared),
                    "participationEnds": _day(entry.participation_ends),
                    "approval": entry.decision,
                },
            }
        )
        data += [f for f in entry.fields_shared if f not in data]
    return {
        "resourceType": "SharingPolicy",
        "conformsTo": SCHEMA,
        "URI": f"{base}{reverse('api:agreement')}",
        "Identifier": {"value": f"{version.reference}/v{version.version}", "System": "urn:mast:agreement"},
        "Name": version.title,
        "Contact": ", ".join(v for v in (version.contact_name, version.contact_email) if v),
        "Party": parties,
        "Data": [f"{FIELD_SYSTEM}{name}" for name in data],
        "Purpose": [
            {"code": f"{PURPOSE_SYSTEM}{t['code']}", "display": t["label"], "legislation": t["legislation"]}
            for t in purpose_terms(version)
        ],
        "StartDate": _day(version.start_date),
        "EndDate": _day(version.end_date),
        "PermittedUse": ["odrl:read"],
        "Restrictions": ["odrl:distribute", "odrl:sell", "odrl:transfer"],
        "DataRecipientResponsibilities": [
            f"odrl:delete: headline data is deleted {version.retention_months} months after an "
            "involvement ends",
            "odrl:inform: every search and view is logged with its stated purpose",
        ],
        "SecurityMeasure": [
            "Second factor at every sign-in",
            "Hash-chained audit log with signed checkpoints",
            "Role-based access through one policy",
        ],
        "LegalCompliance": [
            v
            for v in (
                version.lawful_basis,
                version.special_category_condition,
                version.criminal_offence_condition,
            )
            if v
        ],
        "mast": {
            "status": version.status,
            "reviewDate": _day(version.review_date),
            "displayWindowMonths": version.display_window_months,
            "retentionMonths": version.retention_months,
            "requestDue": {
                "redHours": version.red_due_hours,
                "amberHours": version.amber_due_hours,
                "greenWorkingDays": version.green_due_working_days,
                "escalateAfterHours": version.escalate_after_hours,
            },
        },
    }


def in_force_document(today: date | None = None) -> dict | None:
    agreement = current_agreement(today)
    return agreement_document(agreement) if agreement else None


def party(document: dict, agency_code: str) -> dict | None:
    """The document's party with this agency's catalogue id, if it names one."""
    wanted = f"{PARTY_SYSTEM}{agency_code}"
    return next((p for p in document["Party"] if wanted in p["CatalogueID"]), None)


def allows_purpose(document: dict, code: str) -> bool:
    return any(p["code"] == f"{PURPOSE_SYSTEM}{code}" for p in document["Purpose"])
