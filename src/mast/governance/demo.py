"""The standard purposes, and the demo's agreement: the (fictional) Northshire Safeguarding Partnership's.

Both loaders are idempotent, like the rest of the demo: running them again updates what is there.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from mast.access.models import Agency
from mast.governance.models import AgreementPartner, Purpose, SharingAgreement
from mast.governance.services import partner_entry


@dataclass(frozen=True)
class PurposeSpec:
    code: str
    label: str
    legislation: str
    description: str = ""


# The codes are stored with every audit event: never change or reuse one; withdraw a purpose by switching it
# off.
PURPOSES: tuple[PurposeSpec, ...] = (
    PurposeSpec(
        "mash_triage",
        "Deciding what to do about a contact or referral (MASH triage)",
        "Children Act 1989, sections 17 and 47; Children Act 2004, section 11; Care Act 2014, section 42.",
        "Finding out whether the person is known to other agencies, and whether a case is already open, so a "
        "new contact goes to the right place.",
    ),
    PurposeSpec(
        "child_at_risk",
        "Safeguarding a child who may be at risk of significant harm or in need",
        "Children Act 1989, section 47 (enquiries) and section 17 (children in need); Children Act 2004, "
        "section 11.",
    ),
    PurposeSpec(
        "adult_at_risk",
        "Safeguarding an adult who may be at risk of abuse or neglect",
        "Care Act 2014, section 42 (enquiry by the local authority).",
    ),
    PurposeSpec(
        "child_protection_conference",
        "Preparing for a child protection conference",
        "Children Act 1989, section 47; Working Together to Safeguard Children 2023 (statutory guidance).",
    ),
    PurposeSpec(
        "crime_safeguarding",
        "Preventing or detecting crime against a child or an adult at risk",
        "Crime and Disorder Act 1998, section 115.",
    ),
)

LAWFUL_BASIS = (
    "UK GDPR Article 6(1)(e): processing necessary for the performance of a task carried out in the public "
    "interest or in the exercise of official authority vested in the controller — each partner's statutory "
    "safeguarding functions. Article 6(1)(c) (legal obligation) where a partner is under a statutory duty "
    "to share."
)
SPECIAL_CATEGORY_CONDITION = (
    "UK GDPR Article 9(2)(g), substantial public interest, meeting the conditions in the Data Protection Act "
    "2018, Schedule 1, Part 2, paragraph 18 (safeguarding of children and of individuals at risk) and "
    "paragraph 6 (statutory and government purposes); and Article 9(2)(b) with Schedule 1, Part 1, "
    "paragraph 1 (social protection law)."
)
CRIMINAL_OFFENCE_CONDITION = (
    "UK GDPR Article 10, with the Data Protection Act 2018, section 10(5): the Schedule 1 conditions above, "
    "and paragraph 10 (preventing or detecting unlawful acts)."
)


def ensure_purposes() -> list[Purpose]:
    """The standard purposes, created or brought up to date; an IG officer's switching one off is kept."""
    return [
        Purpose.objects.update_or_create(
            code=spec.code,
            defaults={
                "label": spec.label,
                "legislation": spec.legislation,
                "description": spec.description,
                "order": order,
            },
        )[0]
        for order, spec in enumerate(PURPOSES, start=1)
    ]


@transaction.atomic
def ensure_demo_agreement(
    providers: Mapping[str, Iterable[str]], users: Iterable[str], host: str | None = None
) -> SharingAgreement:
    """The Northshire agreement with its purposes and partners, given as agency codes.

    `providers` maps each sharing agency's code to the canonical fields it sends; `users` are agencies that
    use MAST but send nothing; `host` runs MAST for the partnership. A partner no longer named is removed.
    """
    terms = [
        {"code": p.code, "label": p.label, "legislation": p.legislation}
        for p in ensure_purposes()
        if p.is_active
    ]
    agreement, _ = SharingAgreement.objects.update_or_create(
        reference="NSP-ISA-001",
        version="1.0",
        defaults={
            "title": "Northshire Safeguarding Partnership: multi-agency information-sharing agreement",
            "start_date": date(2026, 4, 1),
            "review_date": date(2027, 4, 1),
            "display_window_months": 12,
            "retention_months": 36,
            "lawful_basis": LAWFUL_BASIS,
            "special_category_condition": SPECIAL_CATEGORY_CONDITION,
            "criminal_offence_condition": CRIMINAL_OFFENCE_CONDITION,
            "purpose_terms": terms,
            "contact_name": "Northshire MAST Partnership information-governance team",
            "contact_email": "ig@northshire-mast.example",
            # The demo's first version was signed before MAST kept approvals: recorded as approved by all.
            "status": SharingAgreement.Status.APPROVED,
        },
    )
    agreement.full_clean()
    entries = [
        *(
            (code, AgreementPartner.Role.PROVIDER_AND_USER, list(fields))
            for code, fields in providers.items()
        ),
        *((code, AgreementPartner.Role.USER, []) for code in users),
        *([(host, AgreementPartner.Role.HOST, [])] if host else []),
    ]
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[code for code, _, _ in entries])}
    missing = sorted({code for code, _, _ in entries} - set(agencies))
    if missing:
        raise ValueError(f"No agency with code {', '.join(missing)}: create the partners first.")
    kept = [partner_entry(agreement, agencies[code], role, fields).pk for code, role, fields in entries]
    agreement.partners.exclude(pk__in=kept).delete()
    agreement.partners.update(decision=AgreementPartner.Decision.APPROVED)
    return agreement
