"""What changed between two versions of the agreement, term by term, as an IG officer or approver reads it:
"Northshire Police — fields shared: given name, … → given name, …". Each version is first written out as
plain terms (section, term, wording), so the comparison is of what the partners read, not of database rows.
"""

from dataclasses import dataclass

from mast.governance.models import SharingAgreement
from mast.governance.services import field_label, purpose_terms

DETAIL_TERMS = (
    ("title", "Title"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("review_date", "Review date"),
    ("display_window_months", "Display window (months)"),
    ("retention_months", "Retention (months)"),
    ("red_due_hours", "Red requests answered within (hours)"),
    ("amber_due_hours", "Amber requests answered within (hours)"),
    ("green_due_working_days", "Green requests answered within (working days)"),
    ("escalate_after_hours", "Overdue requests escalated after (hours)"),
    ("lawful_basis", "Lawful basis (Article 6)"),
    ("special_category_condition", "Special category condition (Article 9)"),
    ("criminal_offence_condition", "Criminal offence condition (Article 10)"),
    ("contact_name", "Contact"),
    ("contact_email", "Contact email"),
)


@dataclass(frozen=True)
class Change:
    section: str
    term: str
    before: str  # "" when the term is new in the later version
    after: str  # "" when the later version drops it


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%-d %B %Y}"
    return str(value)


def terms(version: SharingAgreement) -> dict[tuple[str, str], str]:
    """The version as (section, term) → wording, in the order the version page shows them."""
    out: dict[tuple[str, str], str] = {}
    for name, label in DETAIL_TERMS:
        out[("The agreement", label)] = _text(getattr(version, name))
    for term in purpose_terms(version):
        out[("Purposes", term["label"])] = term["legislation"]
    for entry in version.partners.select_related("agency", "approver").order_by("agency__name"):
        name = entry.agency.name
        out[(name, "Role")] = entry.get_role_display()
        if entry.fields_shared:
            out[(name, "Fields shared")] = ", ".join(field_label(f) for f in entry.fields_shared)
        if entry.approver:
            out[(name, "Approver")] = entry.approver.get_full_name() or entry.approver.username
        if entry.participation_ends:
            out[(name, "Participation ends")] = _text(entry.participation_ends)
    return out


def changes(earlier: SharingAgreement, later: SharingAgreement) -> list[Change]:
    """Every term that differs, in the later version's order, then the terms only the earlier one had."""
    before, after = terms(earlier), terms(later)
    found = [
        Change(section, term, before.get((section, term), ""), wording)
        for (section, term), wording in after.items()
        if before.get((section, term), "") != wording
    ]
    found += [
        Change(section, term, wording, "")
        for (section, term), wording in before.items()
        if (section, term) not in after and wording
    ]
    return found
