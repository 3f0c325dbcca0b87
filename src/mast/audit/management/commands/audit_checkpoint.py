"""`mast audit_checkpoint`: sign the audit chain's head and write it outside the database, once (for cron), or
`--schedule` the background task that repeats it on the database worker."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from mast.audit import tasks
from mast.audit.checkpoint import CheckpointProblem, directory, write
from mast.audit.tell import tell_ig_officers


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the audit log's head to MAST_AUDIT_CHECKPOINT_DIR and email it to IG "
        "officers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the repeating background checkpoint for `mast db_worker` (if not already queued) "
            "instead",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            queued = tasks.schedule(delay=timedelta(0))
            self.stdout.write(
                "Audit checkpoints queued for the database worker."
                if queued
                else "Audit checkpoints were already queued for the database worker."
            )
            return
        try:
            checkpoint = write()
        except (ImproperlyConfigured, CheckpointProblem) as problem:
            raise CommandError(str(problem)) from None
        if checkpoint is None:
            self.stdout.write("The audit log is empty: nothing to checkpoint yet.")
            return
        emailed = tell_ig_officers(checkpoint)
        self.stdout.write(
            f"Checkpoint written to {directory()}: event {checkpoint.sequence:,}, "
            f"hash {checkpoint.hash[:16]}…; emailed to {emailed} IG officer(s)."
        )
