"""`mast worker`: the background worker (feed loads, identity, alerts, emails) and its timetable of jobs."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from mast.administration import schedule


class Command(BaseCommand):
    help = (
        "Run the background worker. It first queues the repeating jobs (chasing, heartbeat, late feeds, "
        "nightly purge, the board's monthly report) unless --no-schedule, for installations that run "
        "those from cron instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-schedule", action="store_true", help="do not queue the repeating jobs")

    def handle(self, *args, no_schedule=False, **options):
        if not no_schedule:
            queued = schedule.start_all()
            self.stdout.write(
                "Queued: " + (", ".join(queued) if queued else "nothing new (all were waiting)")
            )
        call_command("db_worker", verbosity=options.get("verbosity", 1))
