"""The monthly report for the safeguarding partnership board: the dashboard's four sections for the month
just ended, as a PDF drawn from the same figure templates, so the board reads the same numbers, hidden the
same way, as an analyst does on the page.

Each report covers the thirteen months ending with its month, so every summary sentence can compare a month
with the same month a year before. The worker makes last month's on the first of each month
(`mast.administration.schedule`), and anyone who may export the figures can make one for any month on the
dashboard or with `mast analytics_report`. Reports are kept in MAST_ANALYTICS_DIR/reports (0600), since a
board report is as much a record as the figures it carries.

The PDF holds only what the pages show: counts after disclosure control, never a person. WeasyPrint draws it
with nothing fetched from anywhere (no stylesheet, font or image is read from a URL).
"""

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from mast.analytics import dashboard
from mast.analytics.filters import Filters, month_label
from mast.analytics.tables import HIDDEN_MEANING
from mast.config.paths import private_dir, private_file

MONTHS_COVERED = 13
_NAME = re.compile(r"^mast-board-report-(\d{4})-(\d{2})\.pdf$")


@dataclass(frozen=True)
class StoredReport:
    month: date
    path: Path

    @property
    def label(self) -> str:
        return self.month.strftime("%B %Y")


def last_month(today: date | None = None) -> date:
    """The month just ended, as its first day: the month the report made on the 1st is about."""
    first = (today or timezone.localdate()).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def covering(month: date) -> Filters:
    """The thirteen months ending with `month`, for everyone: the board sees the whole partnership."""
    index = month.year * 12 + month.month - 1 - (MONTHS_COVERED - 1)
    return Filters(first_month=date(index // 12, index % 12 + 1, 1), last_month=month)


def html(month: date) -> str:
    """The report as HTML: what the PDF is drawn from (and what the tests read beside it)."""
    filters = covering(month)
    sections = []
    for name, title in dashboard.SECTIONS.items():
        shown = dashboard.section(name, filters)
        sections.append({"name": name, "title": title, **shown})
    return render_to_string(
        "analytics/report.html",
        {
            "month": month_label(month),
            "month_long": month.strftime("%B %Y"),
            "first": month_label(filters.first_month),
            "made_at": timezone.localtime(),
            "refreshed_at": sections[0]["refreshed_at"],
            "sections": sections,
            "hidden_meaning": HIDDEN_MEANING.format(below=settings.MAST_SUPPRESS_BELOW - 1),
            "service_name": "MAST",
        },
    )


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"The board report fetches nothing; it asked for {url[:80]!r}")


def pdf(month: date) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the report needs, not every process.
    from weasyprint import HTML

    return HTML(string=html(month), url_fetcher=_no_fetching).write_pdf()


def reports_dir() -> Path:
    return Path(settings.MAST_ANALYTICS_DIR) / "reports"


def path_for(month: date) -> Path:
    return reports_dir() / f"mast-board-report-{month:%Y-%m}.pdf"


def save(month: date) -> Path:
    """Make the month's report and keep it (replacing one made before for the same month)."""
    target = path_for(month)
    private_dir(target.parent)
    building = target.with_name(f".{target.name}.{os.getpid()}.building")
    building.write_bytes(pdf(month))
    private_file(building)
    os.replace(building, target)
    return target


def stored() -> list[StoredReport]:
    """The reports kept, newest month first."""
    folder = reports_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if matched := _NAME.match(path.name):
            found.append(StoredReport(date(int(matched[1]), int(matched[2]), 1), path))
    return sorted(found, key=lambda r: r.month, reverse=True)
