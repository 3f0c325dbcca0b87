"""Feed loading speed: a 100,000-row partner file loaded into an empty database, on SQLite and PostgreSQL.

Target (issue: Feeds): at least 5,000 rows/s on both. BENCH_FEED_ROWS changes the size.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.feeds.samples import HEADER
from tests.postgres_cluster import PostgresCluster

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "tests" / "feeds" / "mappings"
GIVEN = ["Amelia", "Oliver", "Zoë", "Jamie", "Mohammed", "Siobhán", "Kayleigh", "Tomasz", "Chidi", "Priya"]
FAMILY = ["Smith", "O'Neill", "Khan", "Nowak", "Okafor", "Wilson", "Patel", "Jones", "Evans", "Brown"]
TYPES = ["DOMESTIC", "ATTENDANCE"]


def write_file(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write(HEADER + "\r\n")
        for i in range(rows):
            person = i // 3
            status = rng.choice(["OPEN", "CLOSED"])
            handle.write(
                f"OC{i},N{person},{GIVEN[person % 10]},{FAMILY[person // 10 % 10]},"
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1940, 2024)},"
                f"{rng.choice('MF')},{person % 200} Mill Lane,AB{person % 90 + 1} {rng.randint(1, 9)}CD,,"
                f"{rng.choice(TYPES)},{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025,,{status},"
                f"PC {FAMILY[i % 10]},01632 960{i % 1000:03d},N\r\n"
            )


def load_in_child(database_url: str, path: Path, var_dir: Path) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_FEED_MAPPINGS_DIR=str(MAPPINGS),
        MAST_VAR_DIR=str(var_dir),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.feed_load_child", "test-partner", str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(database: str, figures: dict) -> None:
    rate = figures["rows"] / figures["seconds"]
    print(
        f"feeds [{database}]: {figures['rows']:,} rows ({figures['status']}) in {figures['seconds']:.1f} s "
        f"= {rate:,.0f} rows/s, peak memory {figures['peak_mib']:,.0f} MiB (target ≥ 5,000 rows/s)",
        flush=True,
    )


def run() -> None:
    rows = int(os.environ.get("BENCH_FEED_ROWS", "100000"))
    with tempfile.TemporaryDirectory(prefix="mast-bench-feeds-") as tmp:
        work = Path(tmp)
        feed = work / "feed.csv"
        write_file(feed, rows)
        report("sqlite", load_in_child(f"sqlite:///{work / 'bench.sqlite3'}", feed, work / "var-sqlite"))
        cluster = PostgresCluster().start()
        try:
            url = f"postgres://{cluster.user}@127.0.0.1:{cluster.port}/postgres"
            report("postgresql", load_in_child(url, feed, work / "var-pg"))
        finally:
            cluster.stop()
