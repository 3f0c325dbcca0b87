from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _private_sqlite(sender, connection, **kwargs) -> None:
    # The database holds every partner's records: readable by MAST's own user only. SQLite gives the -wal and
    # -shm files it creates the database file's permissions.
    if connection.vendor != "sqlite":
        return
    from pathlib import Path

    name = str(connection.settings_dict.get("NAME") or "")
    path = Path(name)
    if name and not name.startswith("file:") and name != ":memory:" and path.exists():
        path.chmod(0o600)


class FeedsConfig(AppConfig):
    name = "mast.feeds"
    label = "feeds"

    def ready(self) -> None:
        connection_created.connect(_private_sqlite, dispatch_uid="mast-feeds-private-sqlite")
