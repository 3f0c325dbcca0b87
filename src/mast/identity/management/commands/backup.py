from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mast.identity.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of everything MAST holds into a new folder: the database (SQLite's online "
        "backup or pg_dump), archived feed files, the standardised-record store and models, and the audit "
        "chain's head. `mast restore DIR` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backed up to {directory}: {manifest['counts']['partner_records']:,} partner records, "
            f"{manifest['audit_head']['sequence']:,} audit events, {manifest['files']['archive']:,} archived "
            f"files."
        )
