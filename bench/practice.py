"""The practitioner's pages at scale: search and person-page latency at about 1,000,000 partner records, on
SQLite and PostgreSQL.

Target (issue 5): search p95 ≤ 150 ms and person page p95 ≤ 200 ms, over 1,000 requests of each, through the
real pages (Django's test client: middleware, the access gate, the audit event each request writes,
templates; a search is its POST and the GET of its results page). Searches are built from the region's truth,
as a practitioner would type them: exact name and date of birth, a family name with one slip, a nickname with
the year of birth, day and month swapped, an NHS number alone, a postcode and family name, the names the other
way round, and (issue 14) one transposition, insertion, deletion or substitution in the family name, the given
name, the date of birth or the postcode. Per kind: how often the true person is on the first page, first, or
the query was found too broad (target: first page ≥ 99.5 %, first ≥ 95 %). Person pages are for random active
people, most with several partner records or family.

At a million records (the default) this bench needs a machine to itself; BENCH_LINK_PEOPLE=40000 (about 27,500
partner records) runs in minutes.

The database is the linkage bench's end state (var/bench/region-N/resolved/; made by running the linkage bench
if it is missing), with the family relationships the police and children's services send, copied into a
throwaway PostgreSQL 15 cluster with COPY. BENCH_PRACTICE_REQUESTS changes the number of requests,
BENCH_LINK_PEOPLE the region; BENCH_PRACTICE_PROFILE=DIR profiles 50 requests of each kind into DIR instead;
BENCH_PRACTICE_DATABASES=sqlite (or postgresql) measures one database only (default: both);
BENCH_PRACTICE_KEEP=DIR prepares the SQLite copy in DIR and keeps it, so later runs reuse it (delete DIR, or
its plan.json, to start again).
"""

import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from bench import linkage
from tests.postgres_cluster import PostgresCluster, _find

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"search": 150, "person page": 200}
# What a small production server would set (the defaults, 128 MB of shared buffers, are for a laptop), and
# for loading the copy quickly: no WAL for tables filled in the transaction that emptied them.
POSTGRES_SETTINGS = {
    "shared_buffers": "1GB",
    "effective_cache_size": "8GB",
    "random_page_cost": "1.1",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "4GB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
}
# Partners whose systems record how the people they know are related, and what "a" is to "b" for each truth
# relationship "a <relation> b" (as mast.synth.region writes them for newer regions).
RELATIONSHIP_SOURCES = ("northshire-police", "northshire-childrens")
RELATIONSHIP_KINDS = {"parent_of": "parent", "partner_of": "partner", "sibling_of": "sibling"}


class TunedCluster(PostgresCluster):
    def start(self) -> "TunedCluster":
        import psycopg

        super().start()
        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres") as db:
            db.autocommit = True
            for name, value in POSTGRES_SETTINGS.items():
                db.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        log = str(self.directory / "log")
        self._run(_find("pg_ctl"), "-D", str(self.data), "-l", log, "-m", "fast", "-w", "restart")
        return self


def relationship_files(out: Path) -> None:
    """The relationships files of a region generated before partners sent them, rebuilt from its truth the way
    the generator writes them: each relationship, in each relationship source that knows both people, by the
    first reference that source has for each."""
    manifest = json.loads((out / "manifest.json").read_text())
    as_of = manifest["as_of"].replace("-", "")
    paths = {s: out / "relationships" / s / f"relationships_{as_of}.csv" for s in RELATIONSHIP_SOURCES}
    if all(p.exists() for p in paths.values()):
        return
    refs: dict[tuple[str, str], str] = {}
    with (out / "truth" / "records.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["source"] in RELATIONSHIP_SOURCES:
                refs.setdefault((row["person_id"], row["source"]), row["person_ref"])
    rows = defaultdict(list)
    with (out / "truth" / "relationships.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, relation, b = row["person_id"], row["relationship"], row["other_person_id"]
            for source in RELATIONSHIP_SOURCES:
                ref_a, ref_b = refs.get((a, source)), refs.get((b, source))
                if ref_a and ref_b:
                    # "a parent_of b": in b's record, a is the parent.
                    rows[source].append((ref_b, ref_a, RELATIONSHIP_KINDS[relation]))
    for source, path in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(("person_ref", "related_person_ref", "relationship"))
            writer.writerows(rows[source])
        partial.replace(path)


def child(step: str, *args: str, database_url: str, var_dir: Path) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_VAR_DIR=str(var_dir),
        DEBUG="",
        # One bench practitioner makes a thousand searches in minutes: the per-person limits (issue 17) would
        # refuse all but the first ten a minute. Raised, not switched off, so each request still counts its
        # user's searches in the audit log as a real one does.
        MAST_SEARCHES_PER_MINUTE="1000000",
        MAST_SEARCHES_PER_HOUR="1000000",
        MAST_VIEWS_PER_MINUTE="1000000",
        MAST_VIEWS_PER_HOUR="1000000",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.practice_child", step, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        print(result.stderr[-3000:])
        raise SystemExit(f"practice benchmark failed ({step})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"p50 {percentile(ms, 0.5):,.0f} ms, p95 {percentile(ms, 0.95):,.0f} ms, "
        f"p99 {percentile(ms, 0.99):,.0f} ms, mean {sum(ms) / len(ms):,.0f} ms"
    )


def report(judge, database: str, figures: dict) -> None:
    searches, pages = figures["searches"], figures["pages"]
    found = sum(hit[0] for *_, hit in searches) / len(searches)
    at = f"{figures['records']:,} partner records"
    # CPU time in the web process: the whole request on SQLite, all but the database server's on PostgreSQL.
    # Unlike elapsed time, it hardly changes when other work shares the machine.
    search_cpu = [cpu * 1000 for _k, _s, cpu, _h in searches]
    page_cpu = [cpu * 1000 for _s, cpu in pages]
    print(
        f"practice search [{database}]: {len(searches):,} requests at {at}: "
        f"{summary([s for _k, s, _c, _h in searches])} (target p95 ≤ {TARGETS['search']} ms); "
        f"true person found in {found:.1%}; web process CPU p50 {percentile(search_cpu, 0.5):,.0f} ms, "
        f"p95 {percentile(search_cpu, 0.95):,.0f} ms",
        flush=True,
    )
    by_kind = defaultdict(list)
    for kind, seconds, _cpu, hit in searches:
        by_kind[kind].append((seconds, hit))
    # Issue 14's targets: the true person on the first page for ≥ 99.5 % of queries, first for ≥ 95 %.
    # "Joint first": among the people the page says match equally well at the top (a family name and a
    # postcode fit a whole household; nothing typed tells them apart).
    print(f"practice search [{database}] by query (target: first page ≥ 99.5 %, first ≥ 95 %):", flush=True)
    print(
        f"  {'query':<22} {'n':>5} {'first page':>10} {'first':>7} {'joint first':>11} {'too broad':>9} "
        f"{'(counted)':>9} {'p50':>6} {'p95':>6} {'p99':>6} {'listed p50':>10} {'p95':>4}"
    )
    for kind, runs in by_kind.items():
        ms = [s * 1000 for s, _ in runs]
        share = [sum(h[i] for _, h in runs if len(h) > i) / len(runs) for i in range(4)]
        listed = [h[4] for _, h in runs if len(h) > 4] or [0]
        # Too broad with an exact count and a request for one more detail: still a miss for the targets (the
        # person is not on the page), shown apart so a reader can tell it from a search that failed.
        counted = sum(h[5] for _, h in runs if len(h) > 5) / len(runs)
        print(
            f"  {kind.replace('_', ' '):<22} {len(runs):>5} {share[0]:>10.1%} {share[1]:>7.1%} "
            f"{share[3]:>11.1%} {share[2]:>9.1%} {counted:>9.1%} "
            f"{percentile(ms, 0.5):>4,.0f}ms {percentile(ms, 0.95):>4,.0f}ms {percentile(ms, 0.99):>4,.0f}ms "
            f"{percentile(listed, 0.5):>10} {percentile(listed, 0.95):>4}",
            flush=True,
        )
    _misses(database, figures.get("misses", []))
    print(
        f"practice person page [{database}]: {len(pages):,} requests at {at}: "
        f"{summary([s for s, _c in pages])} (target p95 ≤ {TARGETS['person page']} ms); "
        f"web process CPU p50 {percentile(page_cpu, 0.5):,.0f} ms, p95 {percentile(page_cpu, 0.95):,.0f} ms; "
        f"machine load {figures['load'][0]:.1f} before, {figures['load'][1]:.1f} after "
        f"({os.cpu_count()} cores)",
        flush=True,
    )
    search_ms = [s * 1000 for _k, s, _c, _h in searches]
    page_ms = [s * 1000 for s, _c in pages]
    judge.at_most(f"practice [{database}]: search p95", percentile(search_ms, 0.95), TARGETS["search"], "ms")
    judge.at_most(
        f"practice [{database}]: person page p95", percentile(page_ms, 0.95), TARGETS["person page"], "ms"
    )
    for i, (where, target) in enumerate((("on the first page", 99.5), ("first", 95.0))):
        share = sum(hit[i] for *_, hit in searches) / len(searches)
        judge.percent_at_least(f"practice [{database}]: the true person {where}", share, target)


def _misses(database: str, misses: list[dict]) -> None:
    """Each search whose true person was not first, by kind: what was typed and what the page did with it —
    not on the first page, on it but not first, joint first (a household the query cannot tell apart), or
    too broad. The region is synthetic: the names are no one's."""
    if not misses:
        return
    print(f"practice search [{database}] misses (the true person not first):", flush=True)
    for miss in sorted(misses, key=lambda m: m["kind"]):
        page, _first, broad, joint, listed, *_ = miss["hit"]
        said = (
            "too broad"
            if broad
            else "joint first"
            if joint
            else "on the first page"
            if page
            else f"not on the first page ({listed} listed)"
        )
        typed = ", ".join(f"{k}={v!r}" for k, v in miss["fields"].items())
        print(f"  {miss['kind']:<20} {said:<34} {typed}", flush=True)


def run(judge) -> None:
    people = int(os.environ.get("BENCH_LINK_PEOPLE", "1420000"))
    requests = int(os.environ.get("BENCH_PRACTICE_REQUESTS", "1000"))
    profile = os.environ.get("BENCH_PRACTICE_PROFILE", "")
    databases = [
        d.strip() for d in os.environ.get("BENCH_PRACTICE_DATABASES", "sqlite,postgresql").split(",")
    ]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown or not databases:
        raise SystemExit(f"BENCH_PRACTICE_DATABASES: sqlite, postgresql or both, not {', '.join(unknown)}")
    out = linkage.region(people)
    resolved = linkage.resolved_dir(out)
    if not (resolved / "DONE").exists():
        print(f"no resolved database in {resolved}: running the linkage bench to make one", flush=True)
        linkage.run(judge)
    started = time.perf_counter()
    relationship_files(out)
    keep = os.environ.get("BENCH_PRACTICE_KEEP", "")
    with _workspace(keep) as work:
        database, var_dir, plan = work / "mast.sqlite3", work / "var", work / "plan.json"
        if not (work / "PREPARED").exists():
            shutil.copyfile(resolved / "mast.sqlite3", database)
            shutil.copytree(resolved / "var" / "identity", var_dir / "identity", dirs_exist_ok=True)
        sqlite_url = f"sqlite:///{database}"
        prepared = child(
            "prepare", str(out), str(plan), str(requests), database_url=sqlite_url, var_dir=var_dir
        )
        if keep:
            # Preparing a million records takes a quarter of an hour: a kept copy is migrated again and its
            # search keys and relationships reused, so a second run (or one after a failure) starts at once.
            (work / "PREPARED").write_text("prepared\n")
        sqlite_ready = time.perf_counter() - started
        if "postgresql" not in databases:
            print(
                f"practice preparation: the resolved region's SQLite copy ready in {sqlite_ready:.0f} s; "
                "PostgreSQL not run (BENCH_PRACTICE_DATABASES)",
                flush=True,
            )
            _measure(judge, "sqlite", sqlite_url, plan, var_dir, profile)
            return
        cluster = TunedCluster().start()
        try:
            pg_url = f"postgres://{cluster.user}@127.0.0.1:{cluster.port}/postgres"
            copied = child("to-postgres", str(database), database_url=pg_url, var_dir=var_dir)
            print(
                f"practice preparation: the resolved region's SQLite copy ready in {sqlite_ready:.0f} s "
                f"(search keys {prepared['search_keys']}, relationships {prepared['relationships']}; "
                + ", ".join(f"{k} {v:.1f} s" for k, v in prepared["seconds"].items())
                + f"); PostgreSQL: {copied['rows']:,} rows copied in {copied['seconds']:.0f} s "
                f"(migrate {copied['migrate']:.1f} s, COPY {copied['copy_rows']:.1f} s, "
                f"indexes {copied['build_indexes']:.1f} s, "
                f"VACUUM ANALYZE {copied['vacuum_analyze']:.1f} s)",
                flush=True,
            )
            for name, url in (("sqlite", sqlite_url), ("postgresql", pg_url)):
                if name in databases:
                    _measure(judge, name, url, plan, var_dir, profile)
        finally:
            cluster.stop()


@contextmanager
def _workspace(keep: str):
    """Where the prepared copy lives: a throwaway directory, or BENCH_PRACTICE_KEEP's, which is kept."""
    if keep:
        path = Path(keep).resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="mast-bench-practice-") as tmp:
        yield Path(tmp)


def _measure(judge, name: str, url: str, plan: Path, var_dir: Path, profile: str) -> None:
    if profile:
        target = Path(profile).resolve() / name
        target.parent.mkdir(parents=True, exist_ok=True)
        child("measure", str(plan), str(target), database_url=url, var_dir=var_dir)
        print(f"practice [{name}]: profiles and query counts written to {target}.*", flush=True)
    else:
        report(judge, name, child("measure", str(plan), database_url=url, var_dir=var_dir))
