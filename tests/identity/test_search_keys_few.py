"""A push's few records get the same search keys, made row by row, as a load's many made by DuckDB: search
finds a pushed record exactly as it finds one from a file."""

from collections import Counter
from datetime import date

import pyarrow as pa

from mast.identity.matching.linkage import model_row, to_table
from mast.identity.search.index import few_records_keys, key_table
from mast.synth.canonical import partner_records
from mast.synth.region import generate


def keys(table: pa.Table) -> Counter:
    return Counter(zip(table.column("record").to_pylist(), table.column("key").to_pylist(), strict=True))


def test_a_few_records_keys_are_those_the_bulk_path_makes(tmp_path):
    generate(400, 7, tmp_path, date(2026, 11, 24))
    rows = [
        dict(model_row(record), unique_id=str(n))
        for n, record in enumerate(partner_records(tmp_path, date(2026, 11, 24)).values())
    ]
    table = to_table(rows)
    bulk, few = keys(key_table(table)), keys(few_records_keys(table))
    assert few == bulk
    # The comparison covers every kind of key: name, year of birth, and the other family names a record holds.
    kinds = Counter(key.split(":")[0] for _record, key in bulk)
    assert kinds["n"] > table.num_rows // 2 and kinds["y"] > table.num_rows // 2
    per_record = Counter(record for record, _key in bulk)
    assert any(n > 2 for n in per_record.values())  # a record with another family name
