from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.feeds import registry
from mast.feeds.models import Load
from mast.feeds.services import Confirmation
from mast.ingest.intake import OutsideAgreement, ingest_file


class Command(BaseCommand):
    help = (
        "Load one partner feed file for a source and match the records it brings, "
        "e.g. `mast load northshire-police export.csv`."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's code (see the feed owner's page or the mappings)")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--confirm-removals",
            action="store_true",
            help="apply the file even if it removes or rejects more than the source's guard allows "
            "(a file that would be held otherwise; audited)",
        )

    def handle(self, *args, source, file, confirm_removals=False, **options):
        try:
            # A mapping's first load creates its source and agency (feeds/registry.py).
            source_obj = registry.source_for_code(source)
        except registry.NoSuchSource as exc:
            raise CommandError(str(exc)) from None
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")

        def progress(stage: str, done: int, total: int | None) -> None:
            of = f" of {total:,}" if total else ""
            self.stderr.write(f"  {stage}: {done:,}{of}", ending="\r")

        confirmed = (
            Confirmation(how="command line (mast load --confirm-removals)") if confirm_removals else None
        )
        try:
            result = ingest_file(source_obj, file, progress=progress, confirmed=confirmed)
        except OutsideAgreement as refused:
            raise CommandError(f"Not loaded: {refused}") from None
        load = result.load
        self.stderr.write("")
        self.stdout.write(summary(load))
        if result.matching:
            self.stdout.write(f"  matching: {result.matching.line()}")
            self.stdout.write(f"  matching {result.matching.timings()}")
        if load.status == Load.Status.HELD:
            self.stdout.write(held_summary(load))
            raise CommandError(
                f"Load {load.pk} is held: nothing of it was applied. Check the file; send a corrected one "
                f"or apply this one with `mast load {source} {file} --confirm-removals`."
            )
        if load.status in (Load.Status.REFUSED, Load.Status.FAILED):
            raise CommandError(load.message)


def summary(load: Load) -> str:
    return (
        f"{load.source.code}: {load.file_name} — {load.get_status_display()}. {load.message}\n"
        f"  rows read {load.rows_read:,}, loaded {load.rows_loaded:,}, flagged {load.rows_flagged:,}, "
        f"rejected {load.rows_rejected:,}, removed since last snapshot {load.records_removed:,}"
    )


def held_summary(load: Load) -> str:
    counts = load.preview.get("counts", {})
    lines = [
        f"  it would add {counts.get('new', 0):,}, change {counts.get('changed', 0):,}, "
        f"remove {counts.get('removed', 0):,} of {counts.get('current', 0):,} involvements; "
        f"{counts.get('rejected', 0):,} rows rejected"
    ]
    for kind in ("removed", "rejected"):
        for example in load.preview.get("examples", {}).get(kind, []):
            what = example.get("reason") or f"{example.get('category')} from {example.get('start_date')}"
            lines.append(f"  {kind}: record {example.get('record_id') or '(unreadable)'}: {what}")
    return "\n".join(lines)
