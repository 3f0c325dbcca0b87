"""The monthly report for the partnership board: a PDF with the dashboard's figures, in which every number
hidden on the page is hidden too — read back from the PDF's own text, as a board member's copy would be."""

import re
from datetime import date, datetime
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mast.access.models import Role
from mast.analytics import dashboard, report
from mast.analytics.tables import HIDDEN
from mast.audit.models import AuditEvent
from tests.factories.access import make_user
from tests.factories.analytics import TODAY, region
from tests.signing_in import signed_in_with_factor

pytestmark = pytest.mark.django_db
__all__ = ["region"]


def _text(pdf: bytes) -> str:
    pages = PdfReader(BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def _row(label: str, cells: list[str]) -> re.Pattern:
    """A table's row in the PDF's text: its label and its cells, each a whole word."""
    return re.compile(r"(?<!\S)" + re.escape(" ".join([label, *cells])) + r"(?!\S)")


def _hidden_rows(month: date):
    """(row label, cells as shown, cells as they truly are) for every row of every table in the report
    that hides a number."""
    filters = report.covering(month)
    for name in dashboard.SECTIONS:
        for figure in dashboard.section(name, filters)["figures"]:
            table = figure.shown.table
            for (label, cells, _), true in zip(figure.shown.rows(), table.body, strict=True):
                if HIDDEN in cells:
                    truly = [f"{v:,}" for v in true] + ([f"{sum(true):,}"] if table.row_totals else [])
                    yield label, cells, truly


def test_the_board_report_shows_each_section_and_never_a_hidden_number(region):
    month = report.last_month(TODAY)
    assert month == date(2026, 10, 1)
    text = _text(report.pdf(month))

    assert "report to the safeguarding partnership board, October 2026" in text
    for title in dashboard.SECTIONS.values():
        assert title in text
    assert "People known to one, two, or three or more agencies, by month" in text
    assert "Nov 2025" in text and "Oct 2026" in text, "thirteen months: Oct 2026 beside Oct 2025"

    hidden = list(_hidden_rows(month))
    assert len(hidden) > 3, "the small region's tables hide some numbers"
    for label, cells, truly in hidden:
        assert _row(label, cells).search(text), f"the row for {label} as the page shows it"
        assert not _row(label, truly).search(text), f"the hidden numbers of {label} in the PDF"


def test_the_worker_makes_last_months_report_on_the_first_and_queues_the_next(region, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from mast.analytics import tasks

    monkeypatch.setattr(report, "last_month", lambda today=None: date(2026, 10, 1))
    assert tasks.monthly_board_report.call() == "mast-board-report-2026-10.pdf"

    kept = report.stored()
    assert [r.label for r in kept] == ["October 2026"]
    assert oct(kept[0].path.stat().st_mode & 0o777) == "0o600"
    assert "October 2026" in _text(kept[0].path.read_bytes())
    queued = DBTaskResult.objects.get(task_path="mast.analytics.tasks.monthly_board_report", status="READY")
    at = timezone.localtime(queued.run_after)
    assert (at.day, at.hour, at.minute) == (1, 6, 0) and at > timezone.now()


def test_the_next_report_is_at_six_on_the_first_of_the_month():
    from mast.analytics.tasks import next_report

    def at(text):
        return timezone.make_aware(datetime.fromisoformat(text))

    assert next_report(at("2026-11-01T05:59")) == at("2026-11-01T06:00")
    assert next_report(at("2026-11-01T06:00")) == at("2026-12-01T06:00")
    assert next_report(at("2026-12-15T12:00")) == at("2027-01-01T06:00")


def test_a_report_for_any_month_on_the_command_line(region, tmp_path):
    out = StringIO()
    call_command(
        "analytics_report", "--month", "2026-09", "--output", str(tmp_path / "board.pdf"), stdout=out
    )
    assert "September 2026" in out.getvalue()
    assert "report to the safeguarding partnership board, September 2026" in _text(
        (tmp_path / "board.pdf").read_bytes()
    )
    with pytest.raises(CommandError, match=r"such as 2026-10, not .Sept"):
        call_command("analytics_report", "--month", "Sept", "--keep")


def test_an_analyst_downloads_a_kept_report_or_makes_one_now_and_each_is_audited(region, client, monkeypatch):
    monkeypatch.setattr(report, "last_month", lambda today=None: date(2026, 10, 1))
    analyst = make_user(Role.ANALYST, agency=region["sources"][0].agency)
    signed_in_with_factor(client, analyst)
    page = client.get(reverse("web:analytics-reports"))
    assert "None yet" in page.content.decode()

    report.save(date(2026, 10, 1))
    page = client.get(reverse("web:analytics-reports")).content.decode()
    assert "October 2026" in page and reverse("web:analytics-report", args=["2026-10"]) in page

    kept = client.get(reverse("web:analytics-report", args=["2026-10"]))
    assert kept["Content-Type"] == "application/pdf"
    assert kept.content == report.path_for(date(2026, 10, 1)).read_bytes()

    made = client.get(reverse("web:analytics-reports"), {"month": "2026-08"})
    assert made.url == reverse("web:analytics-report", args=["2026-08"]) + "?now=1"
    assert "August 2026" in _text(client.get(made.url).content)
    assert client.get(reverse("web:analytics-reports"), {"month": "1999-01"}).status_code == 200
    assert client.get(reverse("web:analytics-report", args=["1999-01"])).status_code == 404

    events = AuditEvent.objects.filter(user=analyst, action="export_analytics").order_by("pk")
    assert [(e.target, e.detail["made_now"]) for e in events] == [
        ("analytics-report:2026-10", False),
        ("analytics-report:2026-08", True),
    ]
