"""Matching on Spark gives the same people as matching on DuckDB: an estate that moves to Spark as it grows
must not see its people change because the engine did. One Spark session (`local[2]`) and one run of the
Spark job over Parquet serve every test here, on a small synthetic region; Java 17 comes from `make test`.
"""

import os
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching.engine_settings import EngineSettingError, engine
from mast.identity.matching.people_from_pairs import people_on_one_machine
from mast.identity.matching.spark_linkage import duckdb_settings, spark_settings
from mast.identity.matching.spark_run import RawRecordsError
from mast.identity.matching.standardise_sql import raw_table, standardise_table
from mast.synth.canonical import partner_records
from mast.synth.region import generate

AS_OF = date(2026, 11, 24)

# The Spark job reads and writes Parquet and the DuckDB side is `mast link`'s path: neither touches MAST's
# database, so the PostgreSQL pass of `make test` would repeat the SQLite pass's two and a half minutes of
# Spark to the same result. Run once, in the SQLite pass.
once = pytest.mark.skipif(
    os.environ.get("MAST_TEST_DATABASE", "sqlite") == "postgresql",
    reason="no database involved: the Spark engine is checked in the SQLite pass",
)


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-region")
    generate(600, 6, folder / "region", AS_OF)
    records = partner_records(folder / "region", AS_OF)
    raw = raw_table(records.values())
    pq.write_table(raw, folder / "raw.parquet")
    return folder, records, raw


@pytest.fixture(scope="module")
def spark_result(region):
    from mast.identity.matching.spark_run import run
    from mast.identity.matching.spark_session import spark_session

    folder, _records, _raw = region
    spark = spark_session("local[2]")
    try:
        result = run(
            spark, str(folder / "raw.parquet"), str(folder / "out"), folder / "models", progress=None
        )
        people = pq.read_table(folder / "out" / "people").to_pylist()
        review = pq.read_table(folder / "out" / "review").to_pylist()
        standardised = pq.read_table(folder / "out" / "standardised")
    finally:
        spark.stop()
    return result, people, review, standardised


@pytest.fixture(scope="module")
def duckdb_result(region):
    """The same records matched on one machine, as `mast link` does: DuckDB, SciPy's components."""
    folder, _records, raw = region
    table = standardise_table(raw)
    clustering, sorted_pairs = people_on_one_machine(table, folder / "duckdb-models")
    return table, clustering, sorted_pairs.review


def _people(groups) -> list[list[str]]:
    return sorted(sorted(members) for members in groups)


@once
def test_spark_standardises_every_record_as_duckdb_does(spark_result, duckdb_result):
    _result, _people_rows, _review, standardised = spark_result
    table, _clustering, _review_pairs = duckdb_result
    on_spark = {row["unique_id"]: row for row in standardised.to_pylist()}
    assert len(on_spark) == table.num_rows
    assert [row for row in table.to_pylist() if on_spark[row["unique_id"]] != row] == []


@once
def test_spark_finds_the_same_people_as_duckdb(spark_result, duckdb_result):
    result, people_rows, _review, _standardised = spark_result
    _table, clustering, _review_pairs = duckdb_result
    by_person: dict[str, list[str]] = {}
    for row in people_rows:
        by_person.setdefault(row["person"], []).append(row["record_id"])
    assert result["people"] < result["records"]  # records were joined into people at all
    assert _people(by_person.values()) == _people(clustering.clusters)
    # Each person is labelled by a record of its own, so a re-run labels the same people alike.
    assert all(person in members for person, members in by_person.items())


@once
def test_spark_sends_the_same_pairs_to_review_as_duckdb(spark_result, duckdb_result):
    _result, _people_rows, review, _standardised = spark_result
    _table, _clustering, review_pairs = duckdb_result
    assert review_pairs  # the region has pairs a person must decide
    on_spark = {
        (r["record_a"], r["record_b"]): (round(r["match_probability"], 6), r["reason"]) for r in review
    }
    on_duckdb = {key: (round(pair.probability, 6), reason) for key, (pair, reason) in review_pairs.items()}
    assert on_spark == on_duckdb


def test_a_saved_model_reads_the_same_after_a_round_trip_through_spark_sql():
    written = fs_model.starter_model().settings
    spark = spark_settings(written)
    assert spark["sql_dialect"] == "spark"
    conditions = [lv["sql_condition"] for c in spark["comparisons"] for lv in c["comparison_levels"]]
    assert not any("list_has_any" in c or "jaro_winkler_similarity" in c for c in conditions)
    assert any("arrays_overlap" in c.lower() for c in conditions)
    assert duckdb_settings(spark, written) == {**written, "sql_dialect": "duckdb"}


def test_an_engine_that_is_not_there_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("MAST_MATCHING_ENGINE", "hadoop")
    with pytest.raises(
        EngineSettingError, match="MAST_MATCHING_ENGINE='hadoop' must be one of: duckdb, spark"
    ):
        engine()
    monkeypatch.setenv("MAST_MATCHING_ENGINE", "")
    assert engine() == "duckdb"


@once
def test_a_records_file_without_the_columns_is_refused_naming_them(region, spark_result):
    from mast.identity.matching import spark_run

    folder, _records, _raw = region
    pq.write_table(pa.table({"record_id": ["1"], "given_name": ["Amy"]}), folder / "thin.parquet")
    with pytest.raises(RawRecordsError, match="lacks the columns source, middle_names, family_name"):
        spark_run.main(
            [str(folder / "thin.parquet"), str(folder / "thin-out"), "--models", str(folder / "m")]
        )
    assert not (folder / "thin-out").exists()  # nothing half-written
