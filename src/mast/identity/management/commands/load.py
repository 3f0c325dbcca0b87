from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.feeds.models import Load, Source
from mast.identity.intake import ingest_file


class Command(BaseCommand):
    help = (
        "Load one partner feed file for a source and match the records it brings, "
        "e.g. `mast load northshire-police export.csv`."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's code (see the feed owner's page or the mappings)")
        parser.add_argument("file", type=Path)

    def handle(self, *args, source, file, **options):
        try:
            source_obj = Source.objects.get(code=source)
        except Source.DoesNotExist:
            known = ", ".join(Source.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No source '{source}'. Known sources: {known}.") from None
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")

        def progress(stage: str, done: int, total: int | None) -> None:
            of = f" of {total:,}" if total else ""
            self.stderr.write(f"  {stage}: {done:,}{of}", ending="\r")

        result = ingest_file(source_obj, file, progress=progress)
        load = result.load
        self.stderr.write("")
        self.stdout.write(summary(load))
        if result.matching:
            self.stdout.write(f"  matching: {result.matching.line()}")
        if load.status in (Load.Status.REFUSED, Load.Status.FAILED):
            raise CommandError(load.message)


def summary(load: Load) -> str:
    return (
        f"{load.source.code}: {load.file_name} — {load.get_status_display()}. {load.message}\n"
        f"  rows read {load.rows_read:,}, loaded {load.rows_loaded:,}, flagged {load.rows_flagged:,}, "
        f"rejected {load.rows_rejected:,}, removed since last snapshot {load.records_removed:,}"
    )
