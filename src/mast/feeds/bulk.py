"""Fast inserts and updates for feed loads.

Django's bulk_create prepares every value through the ORM and, on SQLite, splits inserts into batches of a
few dozen rows; for a 100,000-row feed that is most of the load's time. These helpers convert each column's
values once, by field type, and hand whole batches to the driver's executemany. They run inside the caller's
transaction like any other query.
"""

import json
import os
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import numpy as np
from django.db import connection, models, transaction

BATCH = 5000


class JsonText(str):
    """A JSON column's value already encoded as JSON text: written as it is, not encoded again. For callers
    that write a million values of one shape and can build the text more cheaply than json.dumps."""


def random_uuid_hex(count: int) -> list[str]:
    """`count` version-4 UUIDs as 32 hex digits, from one read of the OS's random source: the same values
    `uuid.uuid4()` makes (public ids stay unguessable), at a fraction of its per-call cost for a run that
    makes 700,000 people. `insert_rows` takes them for a UUIDField as they are."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.tobytes().hex()
    return [text[start : start + 32] for start in range(0, 32 * count, 32)]


def _converters(model: type[models.Model], columns: Sequence[str]):
    converters = []
    for name in columns:
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField) and connection.vendor == "sqlite":
            # SQLite keeps JSON as text; Django's own conversion costs tens of microseconds a value.
            converters.append(_json_text)
        elif isinstance(field, models.UUIDField) and connection.vendor == "sqlite":
            # Stored as 32 hex digits; each value is new, so memoising would only fill a dict.
            converters.append(lambda v, field=field: _uuid_hex(field, v))
        elif isinstance(field, models.JSONField):
            converters.append(_decoding(_memoised(field)))
        elif isinstance(field, models.JSONField | models.DateTimeField | models.DateField | models.UUIDField):
            converters.append(_memoised(field))
        else:
            converters.append(None)
    return converters


def _json_text(value):
    if value is None or isinstance(value, JsonText):
        return value
    return json.dumps(value)


def _decoding(convert):
    # PostgreSQL's parameters go through Django's own JSON adapter, which encodes: give it the value.
    return lambda value: convert(json.loads(value) if isinstance(value, JsonText) else value)


def _uuid_hex(field: models.UUIDField, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32:  # already 32 hex digits (random_uuid_hex)
        return value
    return field.to_python(value).hex


def _memoised(field: models.Field):
    """The field's own conversion, done once per distinct value: a batch repeats the same timestamp."""
    seen: dict = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            converted = field.get_db_prep_save(value, connection)
            if len(seen) < 10_000:
                seen[value] = converted
            return converted
        except TypeError:  # unhashable, such as a JSON list on PostgreSQL
            return field.get_db_prep_save(value, connection)

    return convert


def _rows(values: Iterable[Sequence], converters) -> Iterable[Sequence]:
    # Only the columns that need converting are touched: most are ints and strings the driver takes as is.
    active = [(i, c) for i, c in enumerate(converters) if c is not None]
    width = len(converters)
    for row in values:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} columns")
        if active:
            row = list(row)
            for i, convert in active:
                row[i] = convert(row[i])
        yield row


def _batches(rows: Iterable[tuple]):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_rows(model: type[models.Model], columns: Sequence[str], values: Iterable[Sequence]) -> None:
    """INSERT one row per item of `values`, each a sequence in the order of `columns` (field names)."""
    table = connection.ops.quote_name(model._meta.db_table)
    db_columns = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    if connection.vendor == "postgresql":
        _fresh_statistics(table, _copy_rows(model, table, db_columns, columns, values))
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({db_columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for batch in _batches(_rows(values, _converters(model, columns))):
            cursor.executemany(sql, batch)


def update_rows(model: type[models.Model], columns: Sequence[str], values: Iterable[Sequence]) -> None:
    """UPDATE rows by primary key: each item of `values` is the new values in `columns` order, then the pk."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(
        f"{connection.ops.quote_name(model._meta.get_field(c).column)} = %s" for c in columns
    )
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from the model
    converters = [*_converters(model, columns), None]
    with connection.cursor() as cursor:
        for batch in _batches(_rows(values, converters)):
            cursor.executemany(sql, batch)


def _copy_rows(model, table: str, db_columns: str, columns: Sequence[str], values: Iterable[Sequence]) -> int:
    """PostgreSQL's COPY: several times faster than row-by-row inserts, even pipelined. Returns the rows."""
    json_columns = [isinstance(model._meta.get_field(c), models.JSONField) for c in columns]
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({db_columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row([_json_text(v) if j else v for v, j in zip(row, json_columns, strict=True)])
            count += 1
    return count


@contextmanager
def roomy_cache():
    """SQLite's page cache is 2 MB by default; inserting a million rows, each checked against its parent
    row and indexed, reads far more than that over and over. A larger cache for the length of the write."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB, as a negative number of KiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def timed_commit(seconds: dict[str, float], stage: str):
    """A transaction whose commit is timed as a stage of its own in `seconds`. On SQLite a commit of a
    delta's writes is where the write-ahead log's automatic checkpoint runs (most of a second at a million
    records): timed inside the work before it, it was in no stage. Inside a caller's transaction (a feed
    load's) this is a savepoint released, and the caller's own commit pays what is written."""
    with transaction.atomic():
        yield
        started = time.perf_counter()
    seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started


# SQLite keeps no planner statistics unless asked (ANALYZE), and without them it guesses every index equally
# selective: at a million records it read the person page's open candidate pairs through the index on their
# status (sixteen thousand open pairs, twice, for each page) rather than through the person's own records.
# ANALYZE looking at this many rows of each index (SQLite's `analysis_limit`) estimates well enough to choose
# between indexes, in a fraction of a second at a million records, where a full ANALYZE reads every index.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    """The database's planner statistics brought up to date after a write that changes the tables' sizes: a
    load with its matching, a full matching run. SQLite only, approximately (SQLITE_ANALYSIS_LIMIT rows of
    each index); PostgreSQL refreshes its own (autovacuum, and `_fresh_statistics` for a bulk insert that
    grows a table by much). Decision 0042."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {int(SQLITE_ANALYSIS_LIMIT)}")
        cursor.execute("ANALYZE")


# PostgreSQL plans from statistics that autovacuum refreshes only after a while, and from outside the writing
# transaction. A table that has just grown by much more than it held (on a first load, from empty) can be
# planned as tiny: nested loops of sequential scans that take hours on a join of a few thousand rows (seen in
# the test suite, an UPDATE of one person's records). So a bulk insert that adds a tenth or more of what the
# table held, and at least this many rows, has its statistics refreshed at once (ANALYZE samples at most
# 30,000 rows: well under a second). SQLite's are `refresh_statistics`.
FRESH_STATISTICS_FROM = 1000


def _fresh_statistics(table: str, added: int) -> None:
    if added < FRESH_STATISTICS_FROM:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
        if row is None or row[0] < 0 or added >= 0.1 * row[0]:
            cursor.execute(f"ANALYZE {table}")
