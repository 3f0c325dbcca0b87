from django.core.management.base import BaseCommand, CommandError

from mast.feeds.models import Load, Source
from mast.feeds.undo import CannotUndo, undoable_loads
from mast.ingest.intake import undo_load


class Command(BaseCommand):
    help = (
        "Put a source back as it was before one of its last few loads (MAST_UNDO_LOADS, default 5), undoing "
        "any later loads of it too, and re-match the records concerned. Audited. `--list SOURCE` shows "
        "which loads can be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("load", nargs="?", type=int, help="the load's number (see the feed owner's page)")
        parser.add_argument(
            "--list", dest="list_source", metavar="SOURCE", help="list the source's loads that can be undone"
        )

    def handle(self, *args, load=None, list_source=None, **options):
        if list_source:
            source = Source.objects.filter(code=list_source).first()
            if source is None:
                raise CommandError(f"No source '{list_source}'.")
            for item in undoable_loads(source):
                self.stdout.write(f"{item.pk:>8}  {item.started_at:%d %b %Y %H:%M}  {item.file_name}")
            return
        if load is None:
            raise CommandError("Name the load to undo, or --list SOURCE.")
        try:
            target = Load.objects.select_related("source").get(pk=load)
        except Load.DoesNotExist:
            raise CommandError(f"No load {load}.") from None
        try:
            result = undo_load(target)
        except CannotUndo as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{target.source.code}: back as it was before load {target.pk}.")
        if result.matching:
            self.stdout.write(f"  matching: {result.matching.line()}")
            self.stdout.write(f"  matching {result.matching.timings()}")
