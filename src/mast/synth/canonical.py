"""A generated region read back as matching sees it, without a database: for measuring matching offline.

Each partner file is read through its mapping and validated as a load would (rejected rows left out), and each
partner person reduced to one canonical record — the details of its latest involvement, as a load keeps them —
keyed "source|person_ref", the key the truth file gives too.
"""

import csv
import json
from datetime import date
from pathlib import Path

from mast.feeds.mapping import all_mappings
from mast.feeds.readers import read_rows
from mast.feeds.validation import CanonicalRow, RowValidator
from mast.identity.matching.evaluation import TruthRecord
from mast.identity.matching.offline import read_relationships


def partner_records(out: Path, as_of: date) -> dict[str, dict]:
    """ "source|person_ref" → the canonical record of that partner person's latest involvement."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    latest: dict[str, tuple] = {}
    for mapping in all_mappings():
        info = manifest["sources"].get(mapping.source_code)
        if info is None:
            continue
        validator = RowValidator(mapping, as_of)
        _header, rows = read_rows(out / info["file"], mapping)
        for line, raw in rows:
            row = validator.validate(line, raw)
            if not isinstance(row, CanonicalRow):
                continue
            values = row.values
            key = f"{mapping.source_code}|{values['person_ref']}"
            if key not in latest or values["start_date"] >= latest[key][0]:
                record = dict(values, record_id=key, source=mapping.source_code)
                # A malformed postcode is no evidence of where someone lives (as in identity.record_store).
                if "postcode" in row.flags:
                    record["postcode"] = ""
                latest[key] = (values["start_date"], record)
    return {key: record for key, (_start, record) in latest.items()}


def relationships(out: Path) -> list[tuple[str, str, str]]:
    """The pairs of partner records ("source|person_ref" keys) that the region's relationships files say are
    related, with the relationship (what the second is to the first), as a relationships load keeps them
    (identity.family) and matching reads them."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # Read as `mast link` reads a partner's file, so measuring matching offline sees what it would see.
    return [
        pair
        for source, info in manifest.get("relationships", {}).items()
        for pair in read_relationships(out / info["file"], source)
    ]


def truth(out: Path) -> tuple[dict[str, TruthRecord], dict[str, dict]]:
    """The truth's records ("source|person_ref" → TruthRecord) and people (person_id → people.csv row)."""
    with (out / "truth" / "records.csv").open(encoding="utf-8") as handle:
        records = {
            f"{r['source']}|{r['person_ref']}": TruthRecord(
                r["person_id"], r["source"], frozenset(r["tags"].split(";"))
            )
            for r in csv.DictReader(handle)
        }
    with (out / "truth" / "people.csv").open(encoding="utf-8") as handle:
        people = {r["person_id"]: r for r in csv.DictReader(handle)}
    return records, people
