"""Which agencies know a person, and what each holds from before the display window.

The person page shows the last 12 months (the governance agreement's display window) in full. Partners' older
involvements are kept for up to 36 months (then purged) and are core safeguarding context — a child protection
plan two years ago, a care episode — so they are not hidden either: each agency holding older ones gets one
line, "Also known to Children's Social Care before November 2025: 2 involvements (child protection plan,
2024)", and a link to ask that agency for more. The details stay with the partner; only the count, the kinds
and the years are shown. For a case the partner restricted, another agency is told only that the agency knows
the person and whom to contact, as for a current one (`redaction`).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from mast.canonical import CATEGORIES
from mast.feeds.models import Involvement
from mast.gate.gate import Scope
from mast.people.redaction import in_window


@dataclass(frozen=True)
class KnownTo:
    """One agency holding a record of the person, with its latest involvement's date: the start of the
    newest (or the end, if later). None when all of that agency's involvements are restricted from the
    viewer."""

    agency: str
    latest: date | None
    open: bool = False

    def __str__(self) -> str:
        return self.agency


@dataclass(frozen=True)
class OlderHistory:
    """What one agency holds from before the display window."""

    agency: str
    agency_id: int
    before: date
    count: int
    # Shared kinds ("child protection plan"), most recent first; empty when restricted from the viewer.
    categories: tuple[str, ...]
    years: tuple[int, ...]
    restricted: bool
    contact: str = ""
    # Not the viewer's own agency: a targeted request can ask it for more.
    askable: bool = True


def known_to(scope: Scope, involvements: list[Involvement]) -> tuple[KnownTo, ...]:
    """Every agency with a current involvement of the person, however old (the display window is for the
    details, not for whether an agency knows them), most recent first."""
    latest: dict[str, date | None] = {}
    is_open: dict[str, bool] = defaultdict(bool)
    for involvement in involvements:
        agency = involvement.source.agency
        is_open[agency.name] |= involvement.status == Involvement.Status.OPEN
        if not scope.sees_details_of(agency.pk, involvement.restricted):
            latest.setdefault(agency.name, None)
            continue
        when = max(d for d in (involvement.start_date, involvement.end_date) if d)
        if latest.get(agency.name) is None or when > latest[agency.name]:
            latest[agency.name] = when
    return tuple(
        KnownTo(name, when, is_open[name])
        for name, when in sorted(latest.items(), key=lambda item: (item[1] is None, item[1] or date.min))
    )[::-1]


def older_history(scope: Scope, involvements: list[Involvement]) -> tuple[OlderHistory, ...]:
    """Per agency, the involvements held from before the display window, as one line each."""
    older: dict[int, list[Involvement]] = defaultdict(list)
    for involvement in involvements:
        if not in_window(scope, involvement):
            older[involvement.source.agency_id].append(involvement)
    lines = []
    for agency_id, held in older.items():
        agency = held[0].source.agency
        restricted = any(not scope.sees_details_of(agency_id, i.restricted) for i in held)
        newest_first = sorted(held, key=lambda i: i.start_date, reverse=True)
        categories = [] if restricted else [CATEGORIES.get(i.category, i.category) for i in newest_first]
        years = [] if restricted else [(i.end_date or i.start_date).year for i in newest_first]
        lines.append(
            OlderHistory(
                agency=agency.name,
                agency_id=agency_id,
                before=scope.shown_from,
                count=len(held),
                categories=tuple(dict.fromkeys(c.lower() for c in categories if c)),
                years=tuple(dict.fromkeys(years)),
                restricted=restricted,
                contact=agency.contact_point or "the agency's safeguarding lead",
                askable=agency_id != scope.agency_id,
            )
        )
    return tuple(sorted(lines, key=lambda line: line.agency))
