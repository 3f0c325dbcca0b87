"""Standardising records on Spark: standardise_sql's SQL, unchanged, run by DuckDB inside each Spark task.

The standardised row of a record depends on that record's own fields and the lookup tables only, never on
another record, so a partition of records can be standardised on its own and the partitions' rows put
together are the whole table's. Each Spark task hands its partition to `standardise_sql.standardise_table`
as Arrow (`mapInArrow`): the same SQL, the same lookup tables and the same three Python functions as a run
on one machine, so the two give identical rows (tests/identity/test_spark_engine.py). Why DuckDB inside
Spark rather than the SQL rewritten in Spark's dialect: docs/decisions/0024-matching-on-spark.md.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from mast.identity.matching.linkage import SCHEMA
from mast.identity.matching.standardise_sql import RAW_SCHEMA, standardise_table


def _standardise_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    import duckdb

    from mast.identity.matching.engine_settings import temp_directory

    # One DuckDB per task, with one thread: Spark already runs a task per core.
    connection = duckdb.connect(config={"threads": 1, "temp_directory": temp_directory()})
    try:
        table = pa.Table.from_batches(list(batches))
        if table.num_rows:
            yield from standardise_table(table.select(RAW_SCHEMA.names), connection).to_batches()
    finally:
        connection.close()


def spark_schema():
    """`linkage.SCHEMA` as a Spark schema: the standardised rows' columns."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(SCHEMA)


def standardise_dataframe(raw):
    """A Spark DataFrame of records with `standardise_sql.RAW_SCHEMA`'s columns → their standardised rows."""
    return raw.select(*RAW_SCHEMA.names).mapInArrow(_standardise_batches, spark_schema())
