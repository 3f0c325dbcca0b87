"""`mast chase_requests`: mark overdue requests and escalate them to team managers, once (for cron), or
`--schedule` the background task that repeats it on the database worker."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from mast.requests import tasks
from mast.requests.chasing import chase


class Command(BaseCommand):
    help = "Mark overdue requests, tell their assignee and team, and escalate them to the team manager."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the repeating background chase for `mast db_worker` (if not already queued) instead",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            queued = tasks.schedule(delay=timedelta(0))
            self.stdout.write(
                "Chasing queued for the database worker."
                if queued
                else "Chasing was already queued for the database worker."
            )
            return
        result = chase()
        self.stdout.write(
            f"{result.overdue} request(s) newly overdue, {result.escalated} escalated"
            + (
                f" ({result.without_manager} to a team with no manager recorded)"
                if result.without_manager
                else ""
            )
            + "."
        )
