"""The audit log's append-only triggers are on throughout the test suite, as they are in production.

Two kinds of test switch them off for a moment, explicitly, and back on:
- tests that commit (the browser tests' live server, `transaction=True`), whose database pytest-django empties
  afterwards, audit log included (root conftest.py, around each such test's teardown);
- the audit chain's own tamper tests, standing in for someone with database access who drops the triggers.

SQLite's trigger asks `mast.audit.maintenance.enabled` at every statement; PostgreSQL's reads a session
setting, set here on each open connection (a connection opened while they are off sets it itself).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections
from pytest_django.fixtures import validate_django_db

from mast.audit import maintenance


@contextmanager
def audit_triggers_off() -> Iterator[None]:
    _switch(off=True)
    try:
        yield
    finally:
        _switch(off=False)


def _switch(*, off: bool) -> None:
    maintenance.enabled = off
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if connection.vendor == "postgresql" and raw is not None and not raw.closed:
            # On the driver's own connection: pytest-django may already have blocked Django's cursors for a
            # test being torn down, and the emptying that follows uses this same session.
            with raw.cursor() as cursor:
                cursor.execute(f"SET mast.audit_maintenance = '{'on' if off else 'off'}'")


def empties_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django empties the database after this test (its own test, in _django_db_helper)."""
    marker = item.get_closest_marker("django_db")
    transactional, reset_sequences, *_ = validate_django_db(marker) if marker else (False, False)
    names = getattr(item, "fixturenames", ())
    return bool(transactional or reset_sequences or "transactional_db" in names or "live_server" in names)
