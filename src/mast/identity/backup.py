"""`mast backup DIR` and `mast restore DIR`: everything MAST holds, copied consistently and brought back.

What MAST holds is the database (every record, person, link, decision and audit event), the files received
(archived feed files), the matcher's standardised-record store and trained models. The database is copied
with SQLite's online backup API (a consistent snapshot while MAST runs) or `pg_dump`; the files are copied
after it. The archive only grows and the store checks itself against the database when read (record_store),
so files a little newer than the snapshot do no harm. The audit chain's head (last sequence and hash) is
written in the manifest: a restore is accepted only if the restored log ends there and its chain verifies.

This lives in identity because it is the lowest package that knows every file MAST keeps (feeds' archive,
its own store and models) and may import them all (DESIGN.md's layers).
"""

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone

from mast.audit.chain import verify
from mast.audit.models import AuditEvent
from mast.config.paths import private_dir
from mast.feeds import services as feed_services
from mast.feeds.models import Load, PartnerRecord
from mast.identity import record_store

MANIFEST = "manifest.json"
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin")


class BackupError(RuntimeError):
    """The backup or restore cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Folders:
    archive: Path
    identity: Path


def folders() -> Folders:
    return Folders(feed_services.archive_dir(), record_store.store_path().parent)


def _pg_tool(name: str) -> str:
    for directory in [os.environ.get("MAST_PG_BIN", ""), *PG_BIN_DIRS]:
        if directory and (Path(directory) / name).exists():
            return str(Path(directory) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"PostgreSQL's {name} was not found; install the postgresql-client package.")
    return found


def _pg_args() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["-h", s["HOST"] or "localhost", "-p", str(s["PORT"] or 5432), "-U", s["USER"], "-d", s["NAME"]]
    env = dict(os.environ, PGPASSWORD=s.get("PASSWORD") or "")
    return args, env


def _audit_head() -> dict:
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    return last or {"sequence": 0, "hash": ""}


def _copy_tree(source: Path, target: Path) -> int:
    if not source.exists():
        return 0
    shutil.copytree(source, target, dirs_exist_ok=True)
    return sum(1 for p in target.rglob("*") if p.is_file())


def backup(directory: Path) -> dict:
    """Write a consistent copy of everything MAST holds into `directory` (created, 0700; must be empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; back up into a new folder.")
    private_dir(directory)
    head = _audit_head()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "mast.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        database = "mast.sqlite3"
    else:
        args, env = _pg_args()
        dump = directory / "mast.pgdump"
        # The tool's path and the settings' connection details only: no user input reaches the command.
        command = [_pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), *args]
        subprocess.run(command, env=env, check=True)  # noqa: S603
        database = "mast.pgdump"
    found = folders()
    files = {
        "archive": _copy_tree(found.archive, directory / "archive"),
        "identity": _copy_tree(found.identity, directory / "identity"),
    }
    manifest = {
        "made_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "database": database,
        "archive_dir": str(found.archive),
        "files": files,
        "audit_head": head,
        "counts": {"partner_records": PartnerRecord.objects.count(), "audit_events": head["sequence"]},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    for path in directory.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return manifest


def _is_empty() -> bool:
    return not PartnerRecord.objects.exists() and not AuditEvent.objects.exists()


def restore(directory: Path) -> dict:
    """Bring a backup back into this install, whose database must be empty (migrated or not)."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} holds no MAST backup ({MANIFEST} is missing).") from None
    if manifest["database_vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database_vendor']} database; "
            f"this install uses {connection.vendor}."
        )
    tables = connection.introspection.table_names()
    if "feeds_partnerrecord" in tables and not _is_empty():
        raise BackupError("This install already holds data; restore only into an empty install.")
    if connection.vendor == "sqlite":
        source = sqlite3.connect(directory / manifest["database"])
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    else:
        args, env = _pg_args()
        command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        subprocess.run([*command, *args, str(directory / manifest["database"])], env=env, check=True)  # noqa: S603
        connection.close()
    found = folders()
    _copy_tree(directory / "archive", private_dir(found.archive))
    _copy_tree(directory / "identity", private_dir(found.identity))
    _relocate_archive(manifest["archive_dir"], found.archive)
    head = _audit_head()
    if head != manifest["audit_head"]:
        expected = manifest["audit_head"]["sequence"]
        raise BackupError(f"The restored audit log ends at event {head['sequence']}, not {expected}.")
    breaks = list(verify())
    if breaks:
        raise BackupError(f"The restored audit log's chain is broken in {len(breaks)} place(s).")
    return manifest


def _relocate_archive(old: str, new: Path) -> None:
    """Loads name their archived file by full path: point them at this install's archive."""
    if old == str(new):
        return
    for pk, path in Load.objects.filter(archive_path__startswith=old).values_list("pk", "archive_path"):
        Load.objects.filter(pk=pk).update(archive_path=str(new) + path[len(old) :])
