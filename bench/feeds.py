"""Feed loading speed on SQLite and PostgreSQL, each load in a fresh process with its own peak memory:

- first load: a 100,000-row partner file into an empty database;
- daily reload: the next day's snapshot of the same file, 1 % of its rows changed, loaded on top.

Target (issue 3): at least 5,000 rows *loaded* per second, on both databases, for both loads. Rows loaded,
not read: a load that was held, refused or rejected its rows has loaded nothing and fails, however fast it
read. BENCH_FEED_ROWS changes the size.
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
TARGET_ROWS_PER_SECOND = 5_000
DAILY_CHANGES = 0.01  # the share of rows a daily snapshot changes


def write_file(path: Path, rows: int, changed: float = 0.0) -> None:
    """A partner's snapshot; with `changed`, the next day's: for that share of its rows, the person has moved
    (a new address) and the involvement is closed."""
    rng = random.Random(7)
    every = round(1 / changed) if changed else 0
    with path.open("w", encoding="cp1252", newline="") as handle:
        handle.write(HEADER + "\r\n")
        for i in range(rows):
            person = i // 3
            status = rng.choice(["OPEN", "CLOSED"])
            ended, street = "", f"{person % 200} Mill Lane"
            if every and i % every == 0:
                status, ended, street = "CLOSED", "31/12/2025", f"{person % 50} New Road"
            handle.write(
                f"OC{i},N{person},{GIVEN[person % 10]},{FAMILY[person // 10 % 10]},"
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1940, 2024)},"
                f"{rng.choice('MF')},{street},AB{person % 90 + 1} {rng.randint(1, 9)}CD,,"
                f"{rng.choice(TYPES)},{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025,"
                f"{ended},{status},"
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


def loaded_per_second(figures: dict) -> float:
    """Rows loaded (not read) per second: nothing, unless the load was applied."""
    return figures["loaded"] / figures["seconds"] if figures["status"] == "loaded" else 0.0


def report(judge, database: str, which: str, figures: dict) -> None:
    print(
        f"feeds [{database}] {which}: {figures['rows']:,} rows read, {figures['loaded']:,} loaded "
        f"({figures['status']}), {figures.get('changed', 0):,} partner records changed, "
        f"in {figures['seconds']:.1f} s; peak memory {figures['peak_mib']:,.0f} MiB",
        flush=True,
    )
    judge.at_least(
        f"feeds [{database}] {which}: rows loaded per second",
        loaded_per_second(figures),
        TARGET_ROWS_PER_SECOND,
        "rows/s",
    )


def both_loads(judge, database: str, url: str, first: Path, daily: Path, var_dir: Path) -> None:
    report(judge, database, "first load", load_in_child(url, first, var_dir))
    report(judge, database, "daily reload", load_in_child(url, daily, var_dir))


def run(judge) -> None:
    rows = int(os.environ.get("BENCH_FEED_ROWS", "100000"))
    with tempfile.TemporaryDirectory(prefix="mast-bench-feeds-") as tmp:
        work = Path(tmp)
        first, daily = work / "day1.csv", work / "day2.csv"
        write_file(first, rows)
        write_file(daily, rows, changed=DAILY_CHANGES)
        both_loads(judge, "sqlite", f"sqlite:///{work / 'bench.sqlite3'}", first, daily, work / "var-sqlite")
        cluster = PostgresCluster().start()
        try:
            url = f"postgres://{cluster.user}@127.0.0.1:{cluster.port}/postgres"
            both_loads(judge, "postgresql", url, first, daily, work / "var-pg")
        finally:
            cluster.stop()
