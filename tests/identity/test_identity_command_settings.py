"""The person who runs a full matching run with a wrong DuckDB setting is told which and what it should be."""

import pytest
from django.core.management import CommandError, call_command

from mast.feeds.services import load_file
from mast.identity import record_store
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS

pytestmark = pytest.mark.django_db


def test_a_wrong_memory_limit_stops_the_run_naming_the_setting(source, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    monkeypatch.setattr(record_store, "store_path", lambda: tmp_path / "identity" / "records.arrow")
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    monkeypatch.setenv("MAST_DUCKDB_MEMORY_LIMIT", "plenty")

    with pytest.raises(CommandError, match="MAST_DUCKDB_MEMORY_LIMIT='plenty' is not a size"):
        call_command("identity")


def test_a_wrong_engine_stops_the_run_naming_the_setting(source, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    monkeypatch.setattr(record_store, "store_path", lambda: tmp_path / "identity" / "records.arrow")
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    monkeypatch.setenv("MAST_MATCHING_ENGINE", "sparky")

    with pytest.raises(CommandError, match="MAST_MATCHING_ENGINE='sparky' must be one of: duckdb, spark"):
        call_command("identity")


def test_exporting_the_records_for_spark_writes_every_active_record_and_is_audited(
    source, tmp_path, monkeypatch
):
    import pyarrow.parquet as pq

    from mast.audit.models import AuditEvent
    from mast.feeds.models import PartnerRecord
    from mast.identity.matching.standardise_sql import RAW_SCHEMA

    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS))
    active = PartnerRecord.objects.filter(removed_at__isnull=True)

    call_command("identity", export_raw=str(tmp_path / "records.parquet"))

    exported = pq.read_table(tmp_path / "records.parquet")
    assert exported.schema.names == RAW_SCHEMA.names
    assert sorted(exported.column("record_id").to_pylist()) == sorted(
        str(pk) for pk in active.values_list("pk", flat=True)
    )
    assert set(exported.column("family_name").to_pylist()) == set(
        active.values_list("family_name", flat=True)
    )
    event = AuditEvent.objects.get(action="export_partner_records")
    assert event.target == f"file:{tmp_path / 'records.parquet'}"
    assert event.detail["records"] == active.count()
