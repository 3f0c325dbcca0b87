from django.core.management.base import BaseCommand, CommandError

from mast.identity.matching.engine_settings import EngineSettingError
from mast.identity.resolution import resolve_all


class Command(BaseCommand):
    help = (
        "Re-run identity matching over every partner record: standardise, score pairs with the model, "
        "cluster into people (keeping their ids) and refresh the review queue. Feed loads match "
        "incrementally on their own; run this after changing the model or to check the whole picture."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retrain",
            action="store_true",
            help="train a new model version on the current records first (the old versions are kept)",
        )

    def handle(self, *args, retrain, **options):
        try:
            summary = resolve_all(retrain=retrain, progress=lambda message: self.stderr.write(f"  {message}"))
        except EngineSettingError as exc:  # a wrong MAST_DUCKDB_* setting: say which, not a traceback
            raise CommandError(str(exc)) from None
        self.stdout.write(summary.line())
        timings = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in summary.seconds.items())
        self.stdout.write(f"  took {timings}")
