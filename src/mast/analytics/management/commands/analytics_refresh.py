"""mast analytics_refresh: rebuild the dashboard's figures now (run nightly, and after each load)."""

from django.core.management.base import BaseCommand

from mast.analytics.refresh import refresh


class Command(BaseCommand):
    help = "Rebuild the analytics dashboard's figures from MAST's current data."

    def handle(self, *args, **options):
        done = refresh()
        self.stdout.write(
            f"Analytics refreshed: {done.involvements:,} involvements, {done.person_months:,} person-months, "
            f"in {done.seconds:.1f} s."
        )
