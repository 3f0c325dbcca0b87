"""Copying a MAST database from SQLite into PostgreSQL: migrate, then COPY every table in dependency order.

Run inside a Django process whose DATABASE_URL points at the PostgreSQL database (bench/practice_child.py).
Much faster than loading the feeds and matching again: the rows go across as they are, with COPY, and the
indexes are built once at the end rather than kept up to date row by row.

SQLite keeps values in forms PostgreSQL's text input reads as they are: booleans as 0/1, UUIDs as 32 hex
digits, datetimes as naive UTC text (the session's time zone is set to UTC), JSON as text.
"""

import sqlite3
import time
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction

# Sessions and background-task results are the running site's, not data: left empty.
SKIP = {"django_session", "django_tasks_database_dbtaskresult"}


def _models_in_order() -> list[type[models.Model]]:
    """Every concrete table, each after the tables its foreign keys point at."""
    candidates = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in SKIP
    ]
    by_table = {m._meta.db_table: m for m in candidates}
    ordered: list[type[models.Model]] = []
    placed: set[str] = set()

    def place(model, visiting: frozenset = frozenset()) -> None:
        table = model._meta.db_table
        if table in placed or table in visiting:
            return
        for f in model._meta.local_concrete_fields:
            target = f.related_model if f.is_relation else None
            if target is not None and target._meta.db_table in by_table and target is not model:
                place(by_table[target._meta.db_table], visiting | {table})
        placed.add(table)
        ordered.append(model)

    for model in sorted(candidates, key=lambda m: m._meta.db_table):
        place(model)
    return ordered


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) for indexes that back no constraint: dropped during COPY."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
        WHERE i.indrelid = %s::regclass AND c.oid IS NULL
        """,
        [table],
    )
    return cursor.fetchall()


def copy_from_sqlite(sqlite_path: Path, progress=print) -> dict:
    """Migrate the PostgreSQL database and fill it with the SQLite database's rows; timings and counts."""
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    sqlite_tables = {
        name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    quote = connection.ops.quote_name
    rows_copied: dict[str, int] = {}
    seconds_copying = seconds_indexing = 0.0
    ordered = _models_in_order()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        # Foreign keys were enforced in SQLite; checking each row again would double the copy's time.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        everything = [m._meta.db_table for m in ordered] + sorted(SKIP)
        cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in everything)} RESTART IDENTITY CASCADE")
        for model in ordered:
            table = model._meta.db_table
            if table not in sqlite_tables:
                continue
            present = {row[1] for row in source.execute(f"PRAGMA table_info({quote(table)})")}
            fields = model._meta.local_concrete_fields
            columns = [f.column for f in fields if f.column in present]
            # Columns added by migrations newer than the SQLite database get the value a migration would
            # have given its rows: the field's default (PostgreSQL's column has none; Django keeps it),
            # made afresh for each row where it is made by a function (a new public id each).
            added = [f for f in fields if f.column not in present]
            fixed = tuple(f.get_db_prep_save(f.get_default(), connection) for f in added)
            per_row = [i for i, f in enumerate(added) if callable(f.default)]

            def filled(fixed=fixed, per_row=per_row, added=added) -> tuple:
                if not per_row:
                    return fixed
                values = list(fixed)
                for i in per_row:
                    values[i] = added[i].get_db_prep_save(added[i].get_default(), connection)
                return tuple(values)

            names = ", ".join(quote(c) for c in [*columns, *(f.column for f in added)])
            selected = ", ".join(quote(c) for c in columns)
            indexes = _secondary_indexes(cursor, table)
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            count = 0
            table_started = time.perf_counter()
            # FREEZE: the table was emptied in this transaction, so its rows can be written as already
            # visible to everyone (no hint bits to set later), and with wal_level=minimal without WAL.
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN (FREEZE)") as copy:
                for row in source.execute(f"SELECT {selected} FROM {quote(table)}"):  # noqa: S608
                    copy.write_row(row + filled() if added else row)
                    count += 1
            table_copied = time.perf_counter()
            for _name, definition in indexes:
                cursor.execute(definition)
            rows_copied[table] = count
            seconds_copying += table_copied - table_started
            seconds_indexing += time.perf_counter() - table_copied
            if count > 50_000:
                progress(
                    f"  {table}: {count:,} rows copied in {table_copied - table_started:.1f} s, "
                    f"{len(indexes)} indexes built in {time.perf_counter() - table_copied:.1f} s"
                )
            pk = model._meta.pk
            if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                column = quote(pk.column)
                value = f"COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL"
                reset = f"SELECT setval(pg_get_serial_sequence(%s, %s), {value}) FROM {quote(table)}"  # noqa: S608
                cursor.execute(reset, [quote(table), pk.column])
    copied = time.perf_counter()
    source.close()
    with connection.cursor() as cursor:
        # What a settled database looks like: planner statistics, and the visibility map for index-only scans.
        cursor.execute("VACUUM (ANALYZE)")
    return {
        "migrate": migrated - started,
        "copy": copied - migrated,
        "copy_rows": seconds_copying,
        "build_indexes": seconds_indexing,
        "vacuum_analyze": time.perf_counter() - copied,
        "seconds": time.perf_counter() - started,
        "rows": sum(rows_copied.values()),
        "tables": rows_copied,
    }
