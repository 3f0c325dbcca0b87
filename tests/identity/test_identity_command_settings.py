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
