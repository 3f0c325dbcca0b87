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
FRONT_DOOR_COLUMNS = ("Open case elsewhere", "No open case elsewhere")


def _where(filters: Filters, *, summary: bool) -> tuple[str, list]:
    """The filters as SQL over `known_counts` (summary: every agency and every category are rows of their
    own, agency 0 and category '') or over `new_involvements` (a row per involvement)."""
    clauses, values = ["month BETWEEN ? AND ?"], [filters.first_month, filters.last_month]
    for column, value, every in (("agency_id", filters.agency_id, 0), ("category", filters.category, "")):
        if value or summary:
            clauses.append(f"{column} = ?")
            values.append(value or every)
    for column in ("district", "age_band", "sex"):
        if getattr(filters, column):
            clauses.append(f"{column} = ?")
            values.append(getattr(filters, column))
    return " AND ".join(clauses), values


def _monthly(
    db, filters: Filters, source: str, *, column_sql: str, count_sql: str, columns, extra_where="", **table
) -> Table:
    """A table with a row per month chosen, from the facts table `source` (known_counts or new_involvements):
    `column_sql` says which column a fact counts in, `count_sql` how it counts."""
    where, values = _where(filters, summary=source == "known_counts")
    rows = db.execute(
        f"SELECT month, {column_sql}, {count_sql} FROM {source} WHERE {where}{extra_where} GROUP BY ALL",  # noqa: S608 (the clauses are ours; values bound)
        values,
    ).fetchall()
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for month, column, n in rows:
        counts[month][column] = int(n)
    months = filters.months
    return Table(
        row_heading="Month",
        rows=[month_label(m) for m in months],
        columns=list(columns),
        body=[[counts[m].get(c, 0) for c in columns] for m in months],
        **table,
    )


def known_to_agencies(db, filters: Filters) -> Table:
    """People known to 1, 2, and 3 or more agencies each month. With an agency chosen: known to it, by how
    many agencies know them in all; with a category: with an involvement of that category live in the month
    (of that agency's, if one is chosen too)."""
    bands = " ".join(f"WHEN {n} THEN '{band}'" for n, band in enumerate(BANDS, start=1))
    return _monthly(
        db,
        filters,
        "known_counts",
        column_sql=f"CASE agencies {bands} END",
        count_sql="sum(people)",
        columns=BANDS,
        key="known",
        caption="People known to one, two, or three or more agencies, by month",
        column_totals=False,
        total_label="People known",
    )


def new_involvements_by_month(db, filters: Filters) -> Table:
    return _monthly(
        db,
        filters,
        "new_involvements",
        column_sql="'New involvements'",
        count_sql="count(*)",
        columns=["New involvements"],
        key="involvements-by-month",
        caption="New involvements by month",
        row_totals=False,
    )


def front_door(db, filters: Filters) -> Table:
    """Contacts and referrals at a front door, by month: about someone whose case another agency had open at
    the time, or not."""
    categories = ", ".join(f"'{c}'" for c in facts.FRONT_DOOR)
    opened, not_opened = FRONT_DOOR_COLUMNS
    return _monthly(
        db,
        filters,
        "new_involvements",
        extra_where=f" AND category IN ({categories})",
        column_sql=f"CASE WHEN open_elsewhere THEN '{opened}' ELSE '{not_opened}' END",
        count_sql="count(*)",
        columns=FRONT_DOOR_COLUMNS,
        key="front-door",
        caption="Contacts and referrals about people with an open case at another agency, by month",
        total_label="Contacts and referrals",
    )


def new_involvements(db, filters: Filters) -> Table:
    """New involvements that started in the months chosen, by agency and category."""
    where, values = _where(filters, summary=False)
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
