from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.audit import chain
from mast.identity.matching.engine_settings import EngineSettingError
from mast.identity.record_store_sql import export_active_records
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
        parser.add_argument(
            "--export-raw",
            metavar="PARQUET",
            help="write every active partner record, as the Spark job reads them, to this Parquet file and "
            "stop (docs/scale.md: matching on a managed Spark service); the file holds personal data",
        )

    def handle(self, *args, retrain, export_raw=None, **options):
        if export_raw:
            written = export_active_records(Path(export_raw))
            # Every partner record leaves the database: the audit log says when, where to and how many.
            chain.append(
                user=None,
                action="export_partner_records",
                target=f"file:{export_raw}",
                detail={"records": written, "for": "matching on Spark"},
                purpose_code="matching",
            )
            self.stdout.write(f"{written:,} partner records written to {export_raw}")
            return
        try:
            summary = resolve_all(retrain=retrain, progress=lambda message: self.stderr.write(f"  {message}"))
        except EngineSettingError as exc:  # a wrong MAST_DUCKDB_* setting: say which, not a traceback
            raise CommandError(str(exc)) from None
        self.stdout.write(summary.line())
        self.stdout.write(f"  {summary.timings()}")
