"""Search at scale: about 1,000,000 partner records, on SQLite and PostgreSQL (BENCH_SEARCH_DATABASES=sqlite
for one).

- writing every record's search keys and every involvement's standardised address, as a full matching run does
  (`search_index.index_records(None)`), again when nothing has changed, and for the 10,000 records of a daily
  load;
- practitioners' searches (`search.search_people`, `search.search_addresses`) of every kind, with the errors
  front doors make: target p95 ≤ 150 ms for each kind (issue 5), judged per kind and database.

The region and the first day's loaded database are the linkage benchmark's (bench/linkage.py), made once under
var/bench/. People are the region's true people (linked from its truth file) rather than a matching run's, so
that the figures measure search and not matching; whether the right person came first is reported too.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.linkage import region, split

ROOT = Path(__file__).resolve().parent.parent
SEARCH_P95_MS = 150


def run(judge) -> None:
    people = int(os.environ.get("BENCH_LINK_PEOPLE", "1420000"))
    out = region(people)
    databases = os.environ.get("BENCH_SEARCH_DATABASES", "sqlite,postgresql").split(",")
    for database in databases:
        with tempfile.TemporaryDirectory(prefix="mast-bench-search-") as tmp:
            work = Path(tmp)
            files = split(out, work)
            env = dict(
                os.environ,
                DJANGO_SETTINGS_MODULE="mast.config.settings",
                MAST_VAR_DIR=str(work / "var"),
                DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
            )
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.search_child",
                    database,
                    json.dumps(files),
                    str(out),
                    str(work / "bench.sqlite3"),
                ],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                print(result.stderr[-3000:])
                raise SystemExit("search benchmark failed")
            figures = json.loads(result.stdout.strip().splitlines()[-1])
        report(judge, database, figures)


def report(judge, database: str, figures: dict) -> None:
    index = figures["index"]
    print(
        f"search keys [{database}]: {index['records']:,} records, {index['keys']:,} keys, "
        f"{index['involvements']:,} involvement addresses: first write {index['first']:.1f} s "
        f"(keys {index['first_keys']:.1f} s, addresses {index['first_addresses']:.1f} s); "
        f"again with nothing changed {index['again']:.1f} s; a load of {index['load_records']:,} records "
        f"{index['load']:.2f} s (keys {index.get('load_keys', 0):.2f} s, addresses "
        f"{index.get('load_addresses', 0):.2f} s)",
        flush=True,
    )
    for kind, row in figures["queries"].items():
        print(
            f"search [{database}] {kind:<22} n={row['n']:>3}  p50 {row['p50']:6.1f} ms"
            f"  p95 {row['p95']:6.1f} ms"
            f"  max {row['max']:6.1f} ms  (CPU p95 {row.get('cpu_p95', 0):5.1f} ms)"
            f"  right person first {row['first']:.0%}, in top 3 {row['top3']:.0%}",
            flush=True,
        )
        judge.at_most(f"search [{database}] {kind}: p95", row["p95"], SEARCH_P95_MS, "ms")
