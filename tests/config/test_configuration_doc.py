"""docs/configuration.md lists every setting MAST reads from the environment, so the person who runs it can
find each one in one place: a setting added without a line there fails here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(r"""(?:environ\.get|getenv|env_flag|env_list)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _names_read(*folders: str) -> set[str]:
    found = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            found |= set(READS.findall(path.read_text()))
    return found


def test_every_setting_read_from_the_environment_is_documented():
    documented = set(
        re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", (ROOT / "docs/configuration.md").read_text(), re.M)
    )
    read = _names_read("src/mast", "tests") | {"MAST_TEST_DATABASE"}  # conftest.py, at the root, reads it

    assert "MAST_RETENTION_MONTHS" in read and "SECRET_KEY" in read  # the scan finds settings at all
    assert sorted(read - documented) == []


def test_the_documented_defaults_are_the_code_s():
    doc = (ROOT / "docs/configuration.md").read_text()
    settings = (ROOT / "src/mast/config/settings.py").read_text()
    for name in ("MAST_DISPLAY_MONTHS", "MAST_RETENTION_MONTHS", "MAST_MAX_UPLOAD_MB", "MAST_UNDO_LOADS"):
        default = re.search(rf'"{name}", "(\d+)"', settings).group(1)
        assert re.search(rf"^\| `{name}` \| {default} \|", doc, re.M), name
