"""The dashboard's three sections, each a list of figures (a table after disclosure control, and for series a
chart and the sentence that sums it up), and the one table a CSV download asks for by its key."""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from mast.analytics import charts, demand, facts, fairness, people, quality
from mast.analytics.filters import Filters
from mast.analytics.tables import Shown, Table

SECTIONS = {
    "people": "People and involvements",
    "demand": "Requests, referrals and alerts",
    "quality": "Data quality",
    "fairness": "Fairness of use",
}


@dataclass
class Figure:
    shown: Shown
    chart: SafeString | None = None
    legend: list[dict] = field(default_factory=list)
    summary: str = ""
    # Which filters narrow this figure, said beside it so nobody reads a filtered figure as a whole one.
    filtered_by: str = ""


PEOPLE_FILTERS = "month range, agency, area, age band and sex"
INVOLVEMENT_FILTERS = "month range, agency, category, area, age band and sex"
WORK_FILTERS = "month range and agency (not category, area, age band or sex)"


def _series(table: Table, what: str, columns=None, summary_column=None) -> Figure:
    shown = table.shown()
    column = summary_column if summary_column is not None else len(shown.headings) - 1
    return Figure(
        shown=shown,
        chart=charts.line_chart(shown, table.caption, columns),
        legend=charts.legend(shown, columns),
        summary=charts.summary(shown, column, what),
    )


def _people(db, filters: Filters) -> list[Figure]:
    if db is None:
        return []
    known = _series(people.known_to_agencies(db, filters), "people were known to any agency", [0, 1, 2])
    known.filtered_by = PEOPLE_FILTERS
    multi = charts.summary(known.shown, 1, "people were known to two agencies")
    known.summary = f"{known.summary} {multi}"
    by_month = _series(people.new_involvements_by_month(db, filters), "new involvements began", [0], 0)
    front = _series(
        people.front_door(db, filters), "contacts and referrals were about a case open elsewhere", [0, 1], 0
    )
    involvements = Figure(shown=people.new_involvements(db, filters).shown())
    for figure in (by_month, front, involvements):
        figure.filtered_by = INVOLVEMENT_FILTERS
    return [known, by_month, involvements, front]


def _demand(filters: Filters) -> list[Figure]:
    figures = [
        _series(demand.requests_by_month(filters), "targeted requests were sent", [0, 1, 2, 3]),
        Figure(shown=demand.requests_by_pair(filters).shown()),
        _series(
            demand.referrals_by_month(filters), "referrals went straight to the allocated worker", [0, 1], 0
        ),
        _series(demand.alerts_by_month(filters), "alerts were raised", [0, 1]),
    ]
    for figure in figures:
        figure.filtered_by = WORK_FILTERS
    return figures


def _quality(filters: Filters) -> list[Figure]:
    figures = [
        Figure(shown=quality.rows_by_feed(filters).shown()),
        Figure(shown=quality.rejected_by_field(filters).shown()),
        _series(quality.history(filters), "rows were rejected", [0, 1], 0),
        _series(quality.completeness_history(filters), "records were matched to another agency", [0], 0),
    ]
    for figure in figures:
        figure.filtered_by = "month range and agency (the feeds it sends)"
    return figures


def _fairness(db, filters: Filters) -> list[Figure]:
    if db is None:
        return []
    figures = [
        Figure(shown=fairness.use_by(db, filters, dimension).shown()) for dimension in fairness.DIMENSIONS
    ] + [
        Figure(shown=fairness.searched_by_month(db, filters, dimension).shown())
        for dimension in fairness.DIMENSIONS
    ]
    for figure in figures:
        figure.filtered_by = "month range, and area, age band and sex other than the one compared"
    return figures


def section(name: str, filters: Filters) -> dict:
    """Everything a section's page shows, after disclosure control."""
    with (
        contextlib.closing(facts.connect()) if facts.facts_path().exists() else contextlib.nullcontext() as db
    ):
        figures = {
            "people": lambda: _people(db, filters),
            "demand": lambda: _demand(filters),
            "quality": lambda: _quality(filters),
            "fairness": lambda: _fairness(db, filters),
        }[name]()
        return {
            "figures": figures,
            "refreshed_at": people.refreshed_at(db),
            "choices": people.choices(db),
            "completeness": quality.completeness(filters) if name == "quality" else [],
            "shares": [label for _, label in quality.SHARES],
        }


def choices() -> dict[str, list[str]]:
    with (
        contextlib.closing(facts.connect()) if facts.facts_path().exists() else contextlib.nullcontext() as db
    ):
        return people.choices(db)


_TABLES: dict[str, Callable[[object, Filters], Table]] = {
    "known": people.known_to_agencies,
    "involvements": people.new_involvements,
    "involvements-by-month": people.new_involvements_by_month,
    "front-door": people.front_door,
    "requests": lambda db, f: demand.requests_by_pair(f),
    "requests-by-month": lambda db, f: demand.requests_by_month(f),
    "referrals": lambda db, f: demand.referrals_by_month(f),
    "alerts": lambda db, f: demand.alerts_by_month(f),
    "feed-rows": lambda db, f: quality.rows_by_feed(f),
    "rejected": lambda db, f: quality.rejected_by_field(f),
    "quality-history": lambda db, f: quality.history(f),
    "history-linked_elsewhere": lambda db, f: quality.completeness_history(f),
    **{
        f"fairness-{d.replace('_', '-')}": (
            lambda dimension: lambda db, f: fairness.use_by(db, f, dimension)
        )(d)
        for d in fairness.DIMENSIONS
    },
    **{
        f"searched-by-month-{d.replace('_', '-')}": (
            lambda dimension: lambda db, f: fairness.searched_by_month(db, f, dimension)
        )(d)
        for d in fairness.DIMENSIONS
    },
}
FACT_TABLES = {
    "known",
    "involvements",
    "involvements-by-month",
    "front-door",
    *(f"fairness-{d.replace('_', '-')}" for d in fairness.DIMENSIONS),
    *(f"searched-by-month-{d.replace('_', '-')}" for d in fairness.DIMENSIONS),
}


def table_keys() -> list[str]:
    return list(_TABLES)


def one_table(key: str, filters: Filters) -> Shown | None:
    """The table a CSV download names, after disclosure control; None if there is no such table (or no
    figures yet for it)."""
    if key not in _TABLES:
        return None
    if key in FACT_TABLES:
        if not facts.facts_path().exists():
            return None
        with contextlib.closing(facts.connect()) as db:
            return _TABLES[key](db, filters).shown()
    return _TABLES[key](None, filters).shown()
