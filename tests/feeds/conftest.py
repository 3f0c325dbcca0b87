from pathlib import Path

import pytest

from mast.feeds import mapping
from mast.feeds.services import source_for_mapping
from tests.feeds.samples import HEADER

HERE = Path(__file__).parent


@pytest.fixture
def test_mappings(monkeypatch):
    monkeypatch.setattr(mapping, "MAPPINGS_DIR", HERE / "mappings")


@pytest.fixture
def source(db, test_mappings, settings, tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    return source_for_mapping("test-partner")


def write_feed(path: Path, rows: list[str], header: str = HEADER, encoding: str = "cp1252") -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path
