"""CSV that a spreadsheet shows rather than runs: every CSV MAST writes goes through `writer`.

A cell that begins with `=`, `+`, `-` or `@` is run as a formula by Excel and LibreOffice (CSV injection),
and so is one where spaces come first (" =HYPERLINK(…)"), and a leading tab or carriage return can smuggle
one past a check. Partners' data, partners' column names and MAST's own words about them all end up in these
files, so every cell is neutralised, the header row too, by prefixing a `'`: the spreadsheet then shows the
text as it was, quote aside. A negative number is written "'-5" for the same reason; these files are for
reading, not sums.
"""

import csv
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@")
CONTROL_START = ("\t", "\r", "\n")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(CONTROL_START) or text.lstrip().startswith(FORMULA_START):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer's writerow/writerows, with every cell neutralised."""

    def __init__(self, handle, **options):
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]):
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle, **options) -> SafeWriter:
    return SafeWriter(handle, **options)
