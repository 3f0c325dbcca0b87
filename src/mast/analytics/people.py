"""Figures about people and involvements, from the facts file (analytics.facts): who is known to how many
agencies each month, the new involvements by agency and category, and the front door."""

from collections import defaultdict
from datetime import date

from mast.access.models import Agency
from mast.analytics import facts
from mast.analytics.filters import Filters, month_label
from mast.analytics.tables import Table
from mast.canonical import CATEGORIES

BANDS = ("1 agency", "2 agencies", "3 or more agencies")


def _where(filters: Filters, *, agency_list: bool) -> tuple[str, list]:
    clauses, values = ["month BETWEEN ? AND ?"], [filters.first_month, filters.last_month]
    if filters.agency_id is not None:
        clauses.append("list_contains(agencies, ?)" if agency_list else "agency_id = ?")
        values.append(filters.agency_id)
    for column in ("district", "age_band", "sex"):
        if getattr(filters, column):
            clauses.append(f"{column} = ?")
            values.append(getattr(filters, column))
    return " AND ".join(clauses), values


def _by_month(rows, months: list[date], columns: list[str]) -> list[list[int]]:
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for month, column, n in rows:
        counts[month][column] = n
    return [[counts[m].get(c, 0) for c in columns] for m in months]


def known_to_agencies(db, filters: Filters) -> Table:
    """People known to 1, 2, and 3 or more agencies each month (with an agency chosen: known to it, and how
    many agencies in all)."""
    where, values = _where(filters, agency_list=True)
    rows = db.execute(
        f"""SELECT month, CASE WHEN agency_count >= 3 THEN '{BANDS[2]}'
                   WHEN agency_count = 2 THEN '{BANDS[1]}' ELSE '{BANDS[0]}' END AS band, count(*)
            FROM person_months WHERE {where} GROUP BY ALL""",  # noqa: S608 (the clauses are ours; values bound)
        values,
    ).fetchall()
    months = filters.months
    return Table(
        key="known",
        caption="People known to one, two, or three or more agencies, by month",
        row_heading="Month",
        rows=[month_label(m) for m in months],
        columns=list(BANDS),
        body=_by_month(rows, months, list(BANDS)),
        column_totals=False,
        total_label="People known",
    )


def _involvement_where(filters: Filters) -> tuple[str, list]:
    where, values = _where(filters, agency_list=False)
    if filters.category:
        where += " AND category = ?"
        values.append(filters.category)
    return where, values


def new_involvements(db, filters: Filters) -> Table:
    """New involvements that started in the months chosen, by agency and category."""
    where, values = _involvement_where(filters)
    rows = db.execute(
        f"SELECT agency_id, category, count(*) FROM new_involvements WHERE {where} GROUP BY ALL",  # noqa: S608
        values,
    ).fetchall()
    names = dict(Agency.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name"))
    agencies = sorted({r[0] for r in rows}, key=lambda pk: names.get(pk, ""))
    categories = [c for c in CATEGORIES if any(r[1] == c for r in rows)]
    cells = {(a, c): n for a, c, n in rows}
    return Table(
        key="involvements",
        caption="New involvements by category and agency",
        row_heading="Category",
        rows=[CATEGORIES[c] for c in categories],
        columns=[names.get(a, f"Agency {a}") for a in agencies],
        body=[[cells.get((a, c), 0) for a in agencies] for c in categories],
    )


def new_involvements_by_month(db, filters: Filters) -> Table:
    where, values = _involvement_where(filters)
    rows = db.execute(
        f"SELECT month, 'New involvements', count(*) FROM new_involvements WHERE {where} GROUP BY ALL",  # noqa: S608
        values,
    ).fetchall()
    months = filters.months
    return Table(
        key="involvements-by-month",
        caption="New involvements by month",
        row_heading="Month",
        rows=[month_label(m) for m in months],
        columns=["New involvements"],
        body=_by_month(rows, months, ["New involvements"]),
        row_totals=False,
    )


def front_door(db, filters: Filters) -> Table:
    """Contacts and referrals at a front door, by month: about someone whose case another agency had open at
    the time, or not."""
    where, values = _involvement_where(filters)
    categories = ", ".join(f"'{c}'" for c in facts.FRONT_DOOR)
    labels = ["Open case elsewhere", "No open case elsewhere"]
    rows = db.execute(
        f"""SELECT month, CASE WHEN open_elsewhere THEN '{labels[0]}' ELSE '{labels[1]}' END, count(*)
            FROM new_involvements WHERE {where} AND category IN ({categories}) GROUP BY ALL""",  # noqa: S608
        values,
    ).fetchall()
    months = filters.months
    return Table(
        key="front-door",
        caption="Contacts and referrals about people with an open case at another agency, by month",
        row_heading="Month",
        rows=[month_label(m) for m in months],
        columns=labels,
        body=_by_month(rows, months, labels),
        total_label="Contacts and referrals",
    )


def choices(db) -> dict[str, list[str]]:
    """The areas, age bands and sexes the facts hold, for the filter form."""
    if db is None:
        return {"district": [], "age_band": list(facts.AGE_BANDS), "sex": list(facts.SEXES)}
    districts = sorted(
        (r[0] for r in db.execute("SELECT district FROM districts").fetchall()), key=facts.natural
    )
    return {"district": districts, "age_band": list(facts.AGE_BANDS), "sex": list(facts.SEXES)}


def refreshed_at(db):
    return db.execute("SELECT refreshed_at FROM refreshed").fetchone()[0] if db is not None else None
