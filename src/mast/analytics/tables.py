"""A table of counts as the dashboard, its CSV and its chart show it: always after disclosure control.

A `Table` holds the true counts; nothing leaves it except through `shown()`, which applies
`disclosure.protect` with the configured threshold. The page, the CSV download and the chart all read the
same `Shown`, so the three can never disagree about what is hidden.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings

from mast.analytics.disclosure import protect
from mast.feeds.safe_csv import writer

HIDDEN = "[c]"
HIDDEN_MEANING = (
    "[c] means the number is hidden: it is between 1 and {below}, or it is hidden so that such a number "
    "cannot be worked out from the totals."
)


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    row_heading: str
    rows: list[str]
    columns: list[str]
    body: list[list[int]]
    # Whether the totals add up to something a reader can use: the people known in each month do not add up
    # across months (the same person is known in many), so a series has row totals only.
    row_totals: bool = True
    column_totals: bool = True
    total_label: str = "Total"
    # Figures that are not counts (a median), one per row, hidden with the row's total when it is.
    extra_heading: str = ""
    extra: list[str] = field(default_factory=list)

    def shown(self, threshold: int | None = None) -> "Shown":
        threshold = threshold or settings.MAST_SUPPRESS_BELOW
        if not self.rows:
            return Shown(self, [], [], threshold)
        protected = protect(
            self.body, threshold, row_totals=self.row_totals, column_totals=self.column_totals
        )
        n, m = len(self.rows), len(self.columns)
        width = m + (1 if self.row_totals else 0)
        lines = [
            [protected.shown(i, j) for j in (*range(m), m)][:width]
            for i in range(n + (self.column_totals or 0))
        ]
        return Shown(self, lines[:n], lines[n] if self.column_totals else [], threshold)


@dataclass(frozen=True)
class Shown:
    """What may be shown of a table: each number, or None where it is hidden."""

    table: Table
    lines: list[list[int | None]]
    totals: list[int | None]
    threshold: int

    @property
    def headings(self) -> list[str]:
        return [*self.table.columns, *([self.table.total_label] if self.table.row_totals else [])]

    @property
    def has_hidden(self) -> bool:
        return any(v is None for line in [*self.lines, self.totals] for v in line)

    @property
    def note(self) -> str:
        return HIDDEN_MEANING.format(below=self.threshold - 1)

    def rows(self) -> list[tuple[str, list[str], str]]:
        """(row label, cells as text, extra) for the page."""
        extras = self.table.extra or [""] * len(self.lines)
        return [
            # A figure beside the counts (a median, a rate) could give a hidden count away: hidden with it.
            (label, [text(v) for v in line], extras[i] if None not in line else HIDDEN)
            for i, (label, line) in enumerate(zip(self.table.rows, self.lines, strict=True))
        ]

    def total_row(self) -> list[str]:
        return [text(v) for v in self.totals]

    def series(self, column: int) -> list[int | None]:
        return [line[column] for line in self.lines]

    def csv(self) -> str:
        """The same table as a CSV a spreadsheet will show, not run (feeds.safe_csv)."""
        out = io.StringIO()
        csv = writer(out)
        extra = [self.table.extra_heading] if self.table.extra else []
        csv.writerow([self.table.row_heading, *self.headings, *extra])
        for (label, _, more), line in zip(self.rows(), self.lines, strict=True):
            csv.writerow([label, *map(raw, line), *([more] if self.table.extra else [])])
        if self.totals:
            csv.writerow([self.table.total_label, *map(raw, self.totals)])
        if self.has_hidden:
            csv.writerow([])
            csv.writerow([self.note])
        return out.getvalue()


def text(value: int | None) -> str:
    return HIDDEN if value is None else f"{value:,}"


def raw(value: int | None) -> str:
    return HIDDEN if value is None else str(value)
