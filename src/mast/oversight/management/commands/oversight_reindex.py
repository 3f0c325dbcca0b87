"""`mast oversight_reindex`: rebuild the who-looked index (oversight's `Shown`) from the audit log."""

from django.core.management.base import BaseCommand, CommandError

from mast.oversight.reindex import BATCH, reindex


class Command(BaseCommand):
    help = (
        "Rebuild the index of whom each audit event showed (Who looked, the subject-access pack and the "
        "misuse rules read it) from the audit log, in batches; safe while MAST is in use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="first", type=int, default=1, help="the first event's sequence (to resume)"
        )
        parser.add_argument("--batch", type=int, default=BATCH, help=f"events per transaction ({BATCH:,})")

    def handle(self, *args, first: int = 1, batch: int = BATCH, **options):
        if first < 1 or batch < 1:
            raise CommandError("--from and --batch must be 1 or more")
        verbosity = options.get("verbosity", 1)

        def progress(done: int, last: int) -> None:
            if verbosity > 1 or (verbosity and done == last):
                self.stdout.write(f"  re-indexed up to event {done:,} of {last:,}")

        result = reindex(first, batch, progress)
        if result.events == 0:
            self.stdout.write("No audit events to index.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-indexed {result.events:,} audit events (to {result.last_sequence:,}): "
                f"{result.rows_after:,} who-looked rows (there were {result.rows_before:,})."
            )
        )
