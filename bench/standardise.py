"""The full run's SQL standardisation against the Python standardiser, record by record, on a 20,000-person
region (BENCH_STANDARDISE_PEOPLE changes it): the same rows, and each one's time.

`python -m bench standardise`. The region is the quality bench's (var/bench/quality-N-seedS), generated once.
Both run on the records read back from the partner files (`synth.canonical`), without a database; the
Python side is timed as a full run used it before issue 19 (`linkage.model_row` per record, then Arrow).
"""

import os
import time

from bench.identity_quality import partner_records, region

SEED = int(os.environ.get("BENCH_STANDARDISE_SEED", "3"))


def run(judge) -> None:
    from mast.identity.matching.linkage import model_row, to_table
    from mast.identity.matching.standardise_sql import raw_table, standardise_table

    people = int(os.environ.get("BENCH_STANDARDISE_PEOPLE", "20000"))
    records = list(partner_records(region(people, SEED)).values())

    started = time.perf_counter()
    python = to_table([model_row(record) for record in records])
    python_seconds = time.perf_counter() - started

    started = time.perf_counter()
    raw = raw_table(records)
    sql = standardise_table(raw)
    sql_seconds = time.perf_counter() - started

    differing = [
        (a["unique_id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
        for a, b in zip(python.to_pylist(), sql.to_pylist(), strict=True)
        if a != b
    ]
    for record_id, fields in differing[:10]:
        print(f"  differs: {record_id}: {fields}")
    print(
        f"standardise {len(records):,} records ({people:,} people): Python {python_seconds:.1f} s, "
        f"SQL on DuckDB {sql_seconds:.1f} s (one process, Python first); "
        f"{len(differing):,} records differ",
        flush=True,
    )
    judge.holds(
        f"standardise: SQL gives the Python standardiser's rows for all {len(records):,} records",
        not differing,
    )
