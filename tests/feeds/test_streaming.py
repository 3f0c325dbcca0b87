"""Stream, don't slurp: files are read a chunk at a time, bad bytes are replaced and their rows flagged, and
what MAST stores is readable by MAST's own user only (issue 13, item 5)."""

import stat

import pytest
from django.core.files.uploadhandler import StopUpload
from django.db import connection

from mast.feeds import readers
from mast.feeds.services import load_file, source_for_mapping
from mast.web.uploads import LimitedUploadHandler
from tests.feeds.conftest import write_feed
from tests.feeds.samples import GOOD_ROWS, HEADER


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_few_bad_bytes_are_replaced_and_their_rows_flagged_not_the_file_refused(source, tmp_path):
    path = write_feed(tmp_path / "feed.csv", GOOD_ROWS)
    # 0x81 means nothing in Windows-1252 (the test partner's encoding).
    path.write_bytes(path.read_bytes().replace(b"Jamie", b"Ja\x81mie"))

    load = load_file(source, path).load

    assert load.status == "loaded" and load.rows_loaded == 4
    jamie = source.partner_records.get(person_ref="N2")
    assert jamie.given_name == "Ja\ufffdmie"
    assert "could not be read" in jamie.flags["given_name"]
    problems = load.flagged_rows.get(record_id="OC3").problems
    assert any(p.startswith("Given name (Forename) 'Ja\ufffdmie': has characters that") for p in problems)


def test_a_utf8_feed_with_a_broken_sequence_is_read_the_same_way(db, test_mappings, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    source = source_for_mapping("test-partner-jsonl")
    columns = HEADER.split(",")
    lines = [
        "{" + ", ".join(f'"{c}": "{v}"' for c, v in zip(columns, row.split(","), strict=True)) + "}"
        for row in GOOD_ROWS
    ]
    path = tmp_path / "feed.jsonl"
    path.write_bytes("\n".join(lines).encode().replace("Zoë".encode(), b"Zo\xc3"))

    load = load_file(source, path).load

    assert load.status == "loaded" and load.rows_loaded == 4 and load.rows_flagged >= 2


def test_the_reader_never_reads_the_file_whole(source, tmp_path, monkeypatch):
    path = write_feed(tmp_path / "feed.csv", GOOD_ROWS * 1)
    monkeypatch.setattr(readers, "SCAN_CHUNK", 16)  # many chunks, a multi-byte character split across two
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read whole"))
    assert load_file(source, path).load.rows_loaded == 4


def test_archived_files_and_the_sqlite_database_are_private(source, tmp_path):
    load = load_file(source, write_feed(tmp_path / "feed.csv", GOOD_ROWS)).load

    archived = tmp_path / "archive" / source.code
    assert mode(archived) == 0o700
    assert mode(archived / next(archived.iterdir()).name) == 0o600 and load.archive_path
    if connection.vendor == "sqlite":
        from pathlib import Path

        assert mode(Path(connection.settings_dict["NAME"])) == 0o600


def test_an_upload_is_stopped_as_soon_as_it_passes_the_limit(settings):
    settings.MAST_MAX_UPLOAD_BYTES = 100
    handler = LimitedUploadHandler()
    assert handler.receive_data_chunk(b"x" * 64, 0) == b"x" * 64
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 64, 64)
