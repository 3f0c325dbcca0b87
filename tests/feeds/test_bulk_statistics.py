"""Bulk inserts on PostgreSQL leave the planner statistics describing what the table now holds."""

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from mast.feeds.bulk import insert_rows
from mast.identity.models import Person

pytestmark = pytest.mark.django_db


def planned_rows(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def add_people(count: int) -> None:
    now = timezone.now()
    columns = ("public_id", "status", "created_at", "updated_at")
    insert_rows(Person, columns, ((uuid.uuid4(), Person.Status.ACTIVE, now, now) for _ in range(count)))


def test_a_large_insert_refreshes_the_statistics_and_a_small_one_leaves_them_to_autovacuum():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite refreshes its statistics after a load instead (tests/ingest/test_planner_statistics.py)"
        )
    add_people(2500)
    # Without the refresh the planner would still see the table as it was (empty) and plan joins on it as
    # nested loops of whole-table scans.
    assert planned_rows(Person) == 2500

    add_people(10)
    assert planned_rows(Person) == 2500
