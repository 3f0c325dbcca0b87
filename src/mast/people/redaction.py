"""How one involvement reads to one viewer: in full, or as "known to <agency> — contact them" when the
partner marked it restricted and the viewer works elsewhere."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mast.canonical import CATEGORIES
from mast.feeds.models import Involvement
from mast.gate.gate import Scope


@dataclass(frozen=True)
class InvolvementLine:
    involvement_id: int
    agency: str
    restricted: bool
    # Everything below is blank when restricted: the viewer gets `agency_contact` instead.
    agency_contact: str = ""
    category: str = ""
    involvement_type: str = ""
    start_date: date | None = None
    end_date: date | None = None
    status: str = ""
    lead_practitioner: str = ""
    team: str = ""
    contact_phone: str = ""
    contact_email: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == Involvement.Status.OPEN

    @property
    def status_label(self) -> str:
        return Involvement.Status(self.status).label if self.status else "Not given"


def line(scope: Scope, involvement: Involvement) -> InvolvementLine:
    agency = involvement.source.agency
    if not scope.sees_details_of(agency.pk, involvement.restricted):
        return InvolvementLine(
            involvement_id=involvement.pk,
            agency=agency.name,
            restricted=True,
            agency_contact=agency.contact_point or "the agency's safeguarding lead",
            # Whether the case is open still matters (a referral should go to the agency), and says nothing
            # of what the case is about.
            status=involvement.status,
        )
    return InvolvementLine(
        involvement_id=involvement.pk,
        agency=agency.name,
        restricted=False,
        category=CATEGORIES.get(involvement.category, involvement.category),
        involvement_type=involvement.involvement_type,
        start_date=involvement.start_date,
        end_date=involvement.end_date,
        status=involvement.status,
        lead_practitioner=involvement.lead_practitioner,
        team=involvement.team,
        contact_phone=involvement.contact_phone,
        contact_email=involvement.contact_email,
    )


def in_window(scope: Scope, involvement: Involvement) -> bool:
    """Shown if open, or if it started or ended within the display window."""
    return dates_in_window(scope, involvement.status, involvement.start_date, involvement.end_date)


def dates_in_window(scope: Scope, status: str, start_date: date, end_date: date | None) -> bool:
    """`in_window` for an involvement read as plain values."""
    if status == Involvement.Status.OPEN:
        return True
    return (end_date or start_date) >= scope.shown_from


def withheld_records(scope: Scope, involvements: Iterable[tuple[int, int, bool]]) -> set[int]:
    """The records whose addresses (a refuge, say) this viewer may not see: those with a current involvement
    restricted by an agency whose details the viewer may not see. Their names may be known. The person page
    hides these records' addresses and search results their postcodes, by this one rule. `involvements`:
    (record id, the agency that recorded it, restricted) for the records' current involvements."""
    return {
        record
        for record, agency_id, restricted in involvements
        if not scope.sees_details_of(agency_id, restricted)
    }
