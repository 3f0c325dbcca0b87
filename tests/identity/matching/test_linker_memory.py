"""A full run's memory (issue 19: at most 3 GiB at a million records). DuckDB takes what its limit allows as a
cache, so a linker's limit follows its records unless the person who runs MAST sets one; the records it
holds are compressed; and a full run lets DuckDB go before it clusters, so the two are never held at once.
The figures themselves are measured by `python -m bench linkage`, not here."""

from datetime import date

import pytest

from mast.identity.matching import engine_settings
from mast.identity.matching.engine_settings import memory_limit
from mast.identity.matching.linkage import Linker, model_row, to_table
from mast.identity.matching.warm import WarmLinker
from mast.synth.canonical import partner_records
from mast.synth.region import generate

AS_OF = date(2026, 11, 24)
GIB = 2**30


@pytest.fixture
def plenty_of_ram(monkeypatch):
    monkeypatch.delenv("MAST_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.setattr(engine_settings, "_ram_bytes", lambda: 64 * GIB)


def test_a_linker_may_use_a_gibibyte_and_a_half_a_million_records(plenty_of_ram):
    assert memory_limit(records=1_000_000) == "1536MiB"
    assert memory_limit(records=3_000_000) == "4608MiB"
    # A small region still gets a gibibyte: below that DuckDB spends its time spilling.
    assert memory_limit(records=20_000) == "1024MiB"
    # Other matching work (standardising) keeps the ceiling of half the machine.
    assert memory_limit() == "32768MiB"


def test_never_more_than_half_the_machine_and_a_setting_wins(plenty_of_ram, monkeypatch):
    assert memory_limit(records=100_000_000) == "32768MiB"
    monkeypatch.setenv("MAST_DUCKDB_MEMORY_LIMIT", "6GiB")
    assert memory_limit(records=1_000_000) == "6GiB"


@pytest.fixture(scope="module")
def region_table(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("linker-memory")
    generate(600, 7, tmp_path / "region", AS_OF)
    records = partner_records(tmp_path / "region", AS_OF)
    return to_table(model_row(r) for r in records.values()), tmp_path / "models"


def test_a_linkers_duckdb_is_limited_by_its_records_and_holds_them_compressed(region_table, plenty_of_ram):
    table, models = region_table
    linker = Linker(table, models_dir=models)
    try:
        (limit,) = linker.connection.execute("SELECT current_setting('memory_limit')").fetchone()
        compressions = _compressions(linker)
    finally:
        linker.close()
    assert limit in ("1.0 GiB", "1024.0 MiB")
    assert compressions - {"Uncompressed"}, compressions


def test_a_warm_linker_keeps_its_records_uncompressed_for_its_deltas(region_table, plenty_of_ram):
    # A delta deletes and inserts rows by id; on compressed rows that took a 10,000-record delta 0.25 s more.
    table, models = region_table
    linker = WarmLinker(table, models_dir=models)
    try:
        compressions = _compressions(linker)
    finally:
        linker.close()
    assert compressions == {"Uncompressed"}


def _compressions(linker) -> set[str]:
    """How DuckDB stores the linker's records, column segment by segment."""
    sql = "SELECT DISTINCT compression FROM pragma_storage_info('records')"
    return {row[0] for row in linker.connection.execute(sql).fetchall()}
