from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.identity.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Bring back a folder written by `mast backup` into an empty install, and check that the audit log "
        "ends where the backup's did and that its chain verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        try:
            manifest = restore(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the backup of {manifest['made_at']}: the audit log is intact up to event "
            f"{manifest['audit_head']['sequence']:,}."
        )
