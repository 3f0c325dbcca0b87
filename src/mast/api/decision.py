"""The policy decision point for "is this person known?": PERMIT, DENY or REVIEW for each question, decided
against the sharing agreement in force (governance), before anything about the person is looked at.

The MAIS information-governance standard asks for a machine-readable decision made from the request and the
agreement; it leaves the rules to the partnership. MAST's rules, in order:

- no agreement in force, or the asking agency not a party to it (or its participation ended): DENY;
- a reason MAST does not recognise at all (not a purpose code, not legislation): DENY;
- a reason that names a recognised statute (`REASONS`) whose purpose the agreement allows: PERMIT;
- a reason that names a purpose the agreement in force does not allow, or has switched off: DENY;
- a reason that cites legislation.gov.uk but not one of the statutes the agreement's purposes rest on:
  REVIEW — a person (the IG officer) decides whether that law justifies sharing, and the caller waits.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from mast.governance import mais
from mast.governance.models import Purpose
from mast.wording import possessive

LEGISLATION = "https://www.legislation.gov.uk/"
PURPOSE_PREFIX = "urn:mast:purpose:"

# Reason codes partners send (the MAIS examples cite legislation.gov.uk), and the purpose of the agreement
# each one is. A purpose code itself is accepted too, as urn:mast:purpose:<code>.
REASONS: dict[str, str] = {
    "https://www.legislation.gov.uk/ukpga/1989/41/section/47": "child_at_risk",
    "https://www.legislation.gov.uk/ukpga/1989/41/section/17": "child_at_risk",
    "https://www.legislation.gov.uk/ukpga/2004/31/section/11": "mash_triage",
    "https://www.legislation.gov.uk/ukpga/2014/23/section/42": "adult_at_risk",
    "https://www.legislation.gov.uk/ukpga/1998/37/section/115": "crime_safeguarding",
}


@dataclass(frozen=True)
class Decision:
    decision: str  # PERMIT, DENY or REVIEW
    why: str
    agreement: str = ""  # "<reference> v<version>", what it was decided against
    purpose_code: str = ""
    purpose_label: str = ""


def purpose_for(reason: str) -> str | None:
    reason = reason.strip()
    if reason.startswith(PURPOSE_PREFIX):
        return reason[len(PURPOSE_PREFIX) :]
    return REASONS.get(reason.rstrip("/"))


def decide(agency, reason: str, today: date | None = None) -> Decision:
    """Decided against the agreement in force as its MAIS document says it (governance/mais.py): the same
    JSON a partner's system reads from /api/v1/agreement/."""
    today = today or timezone.localdate()
    document = mais.in_force_document(today)
    if document is None:
        return Decision("DENY", "No information-sharing agreement is in force.")
    label = document["Identifier"]["value"].replace("/v", " v")
    party = mais.party(document, agency.code)
    if party is None:
        return Decision("DENY", f"{agency.name} is not a party to {label}.", label)
    ends = party["mast"]["participationEnds"]
    if ends and date.fromisoformat(ends) < today:
        return Decision("DENY", f"{possessive(agency.name)} participation in {label} ended on {ends}.", label)
    code = purpose_for(reason)
    if code is None:
        if reason.startswith(LEGISLATION):
            return Decision(
                "REVIEW",
                "The reason cites legislation the agreement's purposes do not name: an information-"
                "governance officer will decide.",
                label,
            )
        return Decision("DENY", "The reason is not one the agreement recognises.", label)
    purpose = Purpose.objects.filter(code=code).first()
    if purpose is None:
        return Decision("DENY", "The reason is not one the agreement recognises.", label)
    if not purpose.is_active or not mais.allows_purpose(document, code):
        return Decision("DENY", f"The partners no longer share data for '{purpose.label}'.", label, code)
    return Decision("PERMIT", f"Allowed for '{purpose.label}'.", label, code, purpose.label)
