from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.feeds.models import Load, Source
from mast.identity.family import load_relationships


class Command(BaseCommand):
    help = (
        "Load a partner's family relationships file (person_ref, related_person_ref, relationship), "
        "replacing that partner's relationships, e.g. "
        "`mast load_relationships northshire-childrens relationships.csv`."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the source's code")
        parser.add_argument("file", type=Path)

    def handle(self, *args, source, file, **options):
        source_obj = Source.objects.filter(code=source).first()
        if source_obj is None:
            raise CommandError(f"No source '{source}'.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        load = load_relationships(source_obj, file)
        self.stdout.write(
            f"{source}: {file.name} — {load.get_status_display()}. {load.message}\n"
            f"  rows read {load.rows_read:,}, loaded {load.rows_loaded:,}, rejected {load.rows_rejected:,}"
        )
        if load.status == Load.Status.REFUSED:
            raise CommandError(load.message)
