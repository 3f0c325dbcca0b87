import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from mast.synth.region import generate

AS_OF = date(2026, 11, 25)


@dataclass
class Region:
    out: Path
    manifest: dict
    people: dict[str, dict]
    records: list[dict]
    relationships: list[dict]

    def feed(self, source: str) -> Path:
        return self.out / self.manifest["sources"][source]["file"]


def read_region(out: Path) -> Region:
    def rows(name: str) -> list[dict]:
        with (out / "truth" / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    return Region(
        out=out,
        manifest=json.loads((out / "manifest.json").read_text(encoding="utf-8")),
        people={p["person_id"]: p for p in rows("people.csv")},
        records=rows("records.csv"),
        relationships=rows("relationships.csv"),
    )


@pytest.fixture(scope="session")
def region(tmp_path_factory) -> Region:
    """The 5,000-person region the issue asks to be checked for its hard cases."""
    out = tmp_path_factory.mktemp("region") / "northshire"
    generate(5000, 1, out, AS_OF)
    return read_region(out)
