"""Whether MAST's use falls fairly: person pages opened and targeted requests sent, by the sex, age band or
area of the person they were about, beside how many people MAST knows in each.

Risk-profiling tools elsewhere have been criticised for looking hardest at some groups; a rate here far above
the others ("pages opened per 100 people known") is a question for the partnership to ask, not an answer.
Counts come from the facts file (analytics.facts), after disclosure control like every other table.
"""

from mast.analytics.facts import AGE_BANDS, SEXES, natural
from mast.analytics.filters import Filters, month_label
from mast.analytics.tables import Table

DIMENSIONS = {"sex": "Sex", "age_band": "Age band", "district": "Area"}
USES = ("Person pages opened", "Found by a search", "Requests about them")
SEARCHED = USES[1]
# A rate is shown only when both its counts are at least this, as use_by's are.
SMALLEST = 5


def _where(filters: Filters, *, skip: str) -> tuple[str, list]:
    clauses, values = ["month BETWEEN ? AND ?"], [filters.first_month, filters.last_month]
    for column in ("district", "age_band", "sex"):
        if getattr(filters, column) and column != skip:
            clauses.append(f"{column} = ?")
            values.append(getattr(filters, column))
    return " AND ".join(clauses), values


def use_by(db, filters: Filters, dimension: str = "age_band") -> Table:
    """Rows: each value of `dimension`; columns: people known in the last month chosen, pages opened and
    requests sent over the months chosen; and, beside them, pages opened per 100 people known."""
    where, values = _where(filters, skip=dimension)
    known = {
        value: int(n)
        for value, n in db.execute(
            f"SELECT {dimension}, sum(people) FROM known_counts WHERE {where} AND month = ? "  # noqa: S608
            "AND agency_id = 0 AND category = '' GROUP BY 1",
            [*values, filters.last_month],
        ).fetchall()
    }
    used = {
        (value, kind): n
        for value, kind, n in db.execute(
            f"SELECT {dimension}, kind, count(*) FROM uses WHERE {where} GROUP BY ALL",  # noqa: S608
            values,
        ).fetchall()
    }
    order = {"age_band": AGE_BANDS, "sex": SEXES}.get(dimension)
    groups = sorted(
        set(known) | {value for value, _ in used},
        key=(lambda g: order.index(g) if g in order else len(order)) if order else natural,
    )
    body = [[known.get(g, 0), *(used.get((g, kind), 0) for kind in USES)] for g in groups]
    return Table(
        key=f"fairness-{dimension.replace('_', '-')}",
        caption=f"Use of MAST by the {DIMENSIONS[dimension].lower()} of the person it was about",
        row_heading=DIMENSIONS[dimension],
        rows=[g.capitalize() if dimension == "sex" else g for g in groups],
        columns=["People known (last month)", *USES],
        body=body,
        row_totals=False,
        extra_heading="Pages opened per 100 people known",
        extra=[
            f"{100 * row[1] / row[0]:.1f}" if row[0] >= SMALLEST and row[1] >= SMALLEST else "[c]"
            for row in body
        ],
    )


def searched_by_month(db, filters: Filters, dimension: str = "age_band") -> Table:
    """Month by month: how often people of each group were found by a search, beside how many people of each
    group MAST knew that month, as "per 100 people known" for the group searched most. A month in which one
    group's rate stands out is the question to ask; a whole range hides it."""
    where, values = _where(filters, skip=dimension)
    known = {
        (month, value): int(n)
        for month, value, n in db.execute(
            f"SELECT month, {dimension}, sum(people) FROM known_counts WHERE {where} "  # noqa: S608
            "AND agency_id = 0 AND category = '' GROUP BY ALL",
            values,
        ).fetchall()
    }
    found = {
        (month, value): int(n)
        for month, value, n in db.execute(
            f"SELECT month, {dimension}, count(*) FROM uses WHERE {where} AND kind = ? GROUP BY ALL",  # noqa: S608
            [*values, SEARCHED],
        ).fetchall()
    }
    order = {"age_band": AGE_BANDS, "sex": SEXES}.get(dimension)
    groups = sorted(
        {value for _, value in (*known, *found)},
        key=(lambda g: order.index(g) if g in order else len(order)) if order else natural,
    )
    months = filters.months
    body = [[found.get((m, g), 0) for g in groups] for m in months]
    return Table(
        key=f"searched-by-month-{dimension.replace('_', '-')}",
        caption=f"People found by a search, by {DIMENSIONS[dimension].lower()}, month by month",
        row_heading="Month",
        rows=[month_label(m) for m in months],
        columns=[g.capitalize() if dimension == "sex" else g for g in groups],
        body=body,
        total_label="All found",
        extra_heading="Searched most, per 100 people known that month",
        extra=[_most_searched(m, groups, known, found, dimension) for m in months],
    )


def _most_searched(month, groups, known, found, dimension) -> str:
    """The group with the highest rate that month, counting only groups with 5 or more of each (smaller
    numbers are hidden, as in every table)."""
    rates = [
        (100 * found[(month, g)] / known[(month, g)], g)
        for g in groups
        if known.get((month, g), 0) >= SMALLEST and found.get((month, g), 0) >= SMALLEST
    ]
    if not rates:
        # Nobody found that month: nothing to compare; someone found, but too few to show: hidden.
        return "[c]" if any(found.get((month, g), 0) for g in groups) else "—"
    rate, group = max(rates)
    return f"{group.capitalize() if dimension == 'sex' else group}: {rate:.1f}"
