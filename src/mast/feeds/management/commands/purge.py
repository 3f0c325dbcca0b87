from django.core.management.base import BaseCommand

from mast.feeds.retention import purge


class Command(BaseCommand):
    help = (
        "Remove headline data older than the data-sharing agreement's retention period (36 months by "
        "default) and record the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months", type=int, help="retention period in months (default: the sharing agreement's)"
        )

    def handle(self, *args, months=None, **options):
        run = purge(retention_months=months)
        self.stdout.write(
            f"Removed involvements that ended before {run.cutoff:%d %B %Y}: "
            f"{run.involvements_removed:,} involvements, {run.records_removed:,} partner records, "
            f"{run.rejected_rows_removed:,} rejected rows, {run.archived_files_removed:,} archived files"
            + "".join(f", {count:,} {what}" for what, count in sorted(run.others_removed.items()))
            + "."
        )
