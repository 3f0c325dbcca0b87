"""mast analytics_report: the partnership board's monthly report as a PDF, for any month, now."""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.analytics import report


def _month(text: str):
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"--month must be a year and month such as 2026-10, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Make the partnership board's report (PDF) for a month: by default the month just ended. "
        "--keep files it with the reports the dashboard lists; --output writes it where you say."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", type=_month, help="YYYY-MM (default: the month just ended)")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--keep", action="store_true", help="keep it with the reports the dashboard lists")
        where.add_argument("--output", type=Path, help="write the PDF to this file")

    def handle(self, *args, month=None, keep=False, output=None, **options):
        month = month or report.last_month()
        if keep:
            path = report.save(month)
        else:
            if output.exists() and output.is_dir():
                raise CommandError(f"{output} is a folder: give the file name the report should have")
            output.write_bytes(report.pdf(month))
            path = output
        self.stdout.write(f"The board report for {month:%B %Y} is in {path}.")
