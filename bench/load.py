"""The load test: MAST as production runs it (`mast serve`, gunicorn with production settings, on PostgreSQL)
under locust's virtual practitioners at a steady rate — signing in (password and code), searching, opening
person pages and reading the request inbox — all on loopback, for a bounded time.

Target (issue 16): 50 requests a second for 5 minutes with 0 errors, and person-page p95 ≤ 300 ms on this
2-core machine, with a region of a million partner records. Printed: per kind of request, its count,
failures, p50/p95/p99; then the rate achieved and the machine's load before and after.

The region is, by default, the linkage bench's resolved million-record region (var/bench/region-1420000,
made by `python -m bench linkage` if missing), copied into a throwaway PostgreSQL cluster as the practice
bench does. BENCH_LOAD_DEMO_PEOPLE=N instead builds a small region with `mast demo --people N` (minutes, not
hours: for a machine that is busy or for trying the test itself; the figures then say so).
BENCH_LOAD_RATE (requests a second, 50), BENCH_LOAD_SECONDS (300), BENCH_LOAD_USERS (30 virtual users).
BENCH_LOAD_KEEP=DIR keeps the filled PostgreSQL cluster in DIR (a million records take minutes to copy):
a later run with the same DIR starts it again and goes straight to the test, with accounts of its own so
that the misuse rules do not count an earlier run's use. BENCH_LOAD_CPU=N drives the same mix in one process
instead of gunicorn and locust, N requests of each kind, and prints each kind's web and PostgreSQL CPU and
statements (bench/load_cpu.py; BENCH_LOAD_PROFILE=DIR adds a cProfile of each).

The server runs as docs/deployment.md sets it up: database connections kept for 60 s
(DATABASE_CONN_MAX_AGE=60; without it each request opened a PostgreSQL connection and a fresh backend), its
log written to a file in the run's directory (it was an undrained pipe, which stalls gunicorn once 64 KB of
access log are waiting). Printed besides the latencies: the CPU the server (gunicorn's workers and
PostgreSQL's backends) spent per request, which does not depend on what else the machine is doing, and the
rate two cores could serve at that cost — on a shared machine the latencies alone say little —, and locust's
own CPU, which the same two cores pay. The virtual practitioners work at any hour: a run at night or at the
weekend would otherwise make every look an out-of-hours alert.

The per-person search and view limits (MAST_SEARCHES_PER_MINUTE and the rest) are raised for the server under
test: they exist to stop one person trawling, and 30 virtual users sharing 400 accounts would trip them by
design, which is not what this measures.
"""

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import linkage, load_cpu
from bench.practice import TunedCluster, _workspace, child
from tests.postgres_cluster import _find, _free_port

ROOT = Path(__file__).resolve().parent.parent
PERSON_PAGE_P95_MS = 300
# Requests each task makes, on average, for the task mix in bench/load_locustfile.py (weights: search 15,
# two requests, page and results; person page 20; inbox 10; a new sign-in 1: page, password, code).
REQUESTS_PER_TASK = (15 * 2 + 20 * 1 + 10 * 1 + 1 * 3) / 46
UNLIMITED = "1000000"


class KeptCluster(TunedCluster):
    """The load test's tuned cluster in a directory that outlives the run (BENCH_LOAD_KEEP): made and filled
    once — copying a million-record region into PostgreSQL takes minutes —, started again by later runs."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        shutil.rmtree(self.directory, ignore_errors=True)  # the base class's throwaway folder, not used
        self.directory = directory
        self.data = directory / "data"
        directory.mkdir(parents=True, exist_ok=True)

    def start(self) -> "KeptCluster":
        if not (self.data / "PG_VERSION").exists():
            super().start()
            return self
        options = f"-h 127.0.0.1 -p {self.port} -k {self.directory} -F -c full_page_writes=off"
        log = str(self.directory / "log")
        self._run(_find("pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        return self

    def stop(self) -> None:
        self._run(_find("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


def _server_env(database_url: str, var_dir: Path, base: str) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "MAST_ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "BEHIND_TLS_PROXY": "1",
        "MAST_TRUSTED_PROXIES": "127.0.0.1/32",
        "CSRF_TRUSTED_ORIGINS": base,
        "MAST_BASE_URL": base,
        "MAST_VAR_DIR": str(var_dir),
        "MAST_HEALTH_NEEDS_WORKER": "0",
        "MAST_EMAIL_BACKEND": "console",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "60",
        # The virtual practitioners are at work whenever the bench runs: run at night or at the weekend, every
        # look would otherwise raise or add to an out-of-hours oversight alert (and email it), which is not
        # the working day's load this measures.
        "MAST_WORKING_HOURS": "00:00-23:59",
        "MAST_WORKING_WEEKENDS": "1",
    }
    for limit in ("SEARCHES_PER_MINUTE", "SEARCHES_PER_HOUR", "VIEWS_PER_MINUTE", "VIEWS_PER_HOUR"):
        env[f"MAST_{limit}"] = UNLIMITED
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _mast(env: dict, *args: str, timeout: int = 7200) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mast.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        print(done.stderr[-3000:])
        raise SystemExit(f"load benchmark: `mast {' '.join(args)}` failed")
    return done.stdout


def _region(env: dict, var_dir: Path, judge) -> str:
    """Fill the database; a description of the region for the report."""
    demo_people = os.environ.get("BENCH_LOAD_DEMO_PEOPLE")
    if demo_people:
        _mast(env, "migrate", "--no-input", "-v0")
        _mast(env, "demo", "--people", demo_people)
        return f"a small demo region (`mast demo --people {demo_people}`)"
    people = int(os.environ.get("BENCH_LOAD_PEOPLE", "1420000"))
    out = linkage.region(people)
    resolved = linkage.resolved_dir(out)
    if not (resolved / "DONE").exists():
        print(f"no resolved database in {resolved}: running the linkage bench to make one", flush=True)
        linkage.run(judge)
    database = var_dir.parent / "mast.sqlite3"
    shutil.copyfile(resolved / "mast.sqlite3", database)
    shutil.copytree(resolved / "var" / "identity", var_dir / "identity", dirs_exist_ok=True)
    copied = child("to-postgres", str(database), database_url=env["DATABASE_URL"], var_dir=var_dir)
    database.unlink()
    print(
        f"load preparation: {copied['rows']:,} rows copied into PostgreSQL in {copied['seconds']:.0f} s",
        flush=True,
    )
    # The family the police and children's services send, as the practice bench loads it: person pages
    # show it.
    loaded = _child(env, "relationships", str(out))
    print(f"load preparation: relationships {loaded['relationships']}", flush=True)
    return f"the resolved region of {people:,} people"


def _wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"mast serve stopped: {log.read_text(encoding='utf-8')[-3000:]}")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(1)
    raise SystemExit("mast serve did not answer /health/ within 2 minutes")


def _locust(base: str, plan: Path, prefix: Path, rate: float, seconds: int, users: int) -> None:
    env = {
        **os.environ,
        "MAST_LOAD_PLAN": str(plan),
        "MAST_LOAD_TASKS_PER_USER": f"{rate / users / REQUESTS_PER_TASK:.4f}",
        "PYTHONPATH": str(ROOT / "src"),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s",
        "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "30",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, env=env, cwd=ROOT, check=False, timeout=seconds + 600)


def _cpu_seconds(parents: set[int]) -> float:
    """CPU seconds (user and system) spent so far by the children of these processes — gunicorn's workers,
    PostgreSQL's backends and its own helpers —, those still running and those that ended (a worker recycled
    after max_requests, a backend whose connection closed)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) in parents:
            ticks += int(fields[11]) + int(fields[12])
        if int(entry.name) in parents:
            ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended: locust, once its run is over."""
    times = os.times()
    return times.children_user + times.children_system


def _postmaster(cluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def _read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def report(
    judge, rows: list[dict], region: str, records: int, seconds: int, load: tuple, cpu: dict[str, float]
) -> None:
    print(f"load test: {region}, {records:,} partner records; gunicorn + PostgreSQL, {seconds} s", flush=True)
    print(f"  {'request':<22} {'count':>7} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7}")
    total = None
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(
            f"  {row['Name']:<22} {int(row['Request Count']):>7,} {int(row['Failure Count']):>6} "
            f"{row['50%']:>5}ms {row['95%']:>5}ms {row['99%']:>5}ms",
            flush=True,
        )
    rate = int(total["Request Count"]) / seconds
    print(
        f"  {'all':<22} {int(total['Request Count']):>7,} {int(total['Failure Count']):>6} "
        f"{total['50%']:>5}ms {total['95%']:>5}ms {total['99%']:>5}ms — {rate:.1f} requests a second; "
        f"machine load {load[0]:.1f} before, {load[1]:.1f} after ({os.cpu_count()} cores)",
        flush=True,
    )
    count = max(1, int(total["Request Count"]))
    per_request = (cpu["web"] + cpu["postgresql"]) / count
    web, postgresql, locust = (cpu[k] * 1000 / count for k in ("web", "postgresql", "locust"))
    print(
        f"  server CPU per request: {per_request * 1000:.0f} ms (gunicorn workers {web:.0f} ms, PostgreSQL "
        f"{postgresql:.0f} ms); {os.cpu_count()} cores to itself could serve about "
        f"{os.cpu_count() / per_request:.0f} requests a second; locust's own CPU {locust:.1f} ms a request",
        flush=True,
    )
    person = next((r for r in rows if r["Name"] == "person page"), None)
    judge.holds("load: no errors", int(total["Failure Count"]) == 0)
    judge.at_least("load: requests a second", rate, 0.95 * float(os.environ.get("BENCH_LOAD_RATE", "50")))
    judge.at_most(
        "load: person page p95", float(person["95%"]) if person else float("inf"), PERSON_PAGE_P95_MS, "ms"
    )


def _child(env: dict, step: str, *args: str) -> dict:
    """A step of bench/load_child.py in a Django process on the load test's database; its last line, JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.load_child", step, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "mast.config.settings"}, cwd=ROOT, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        print(done.stderr[-3000:])
        raise SystemExit(f"load benchmark: the {step} step failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(judge) -> None:
    rate = float(os.environ.get("BENCH_LOAD_RATE", "50"))
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "300"))
    users = int(os.environ.get("BENCH_LOAD_USERS", "30"))
    keep = os.environ.get("BENCH_LOAD_KEEP", "")
    in_process = int(os.environ.get("BENCH_LOAD_CPU", "0"))
    with _workspace(keep) as work:
        var_dir = work / "var"
        var_dir.mkdir(exist_ok=True)
        cluster = (KeptCluster(work / "postgresql") if keep else TunedCluster()).start()
        server = None
        try:
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            env = _server_env(f"postgres://{cluster.user}@127.0.0.1:{cluster.port}/postgres", var_dir, base)
            prepared = work / "PREPARED"
            if prepared.exists():
                region = prepared.read_text(encoding="utf-8").strip()
                print(f"load preparation: {region}, kept in {work}", flush=True)
            else:
                region = _region(env, var_dir, judge)
                if keep:
                    prepared.write_text(region + "\n", encoding="utf-8")
            _mast(env, "migrate", "--no-input", "-v0")
            _mast(env, "collectstatic", "--no-input", "-v0")
            plan = work / "plan.json"
            # Accounts of this run's own: a kept database holds earlier runs' use, which the misuse rules
            # (each user's last hour and day) would otherwise count.
            prefix = f"load{int(time.time()):x}-"
            records = _child(env, "setup", str(plan), "400", "300", prefix)["records"]
            if in_process:
                figures = _child(env, "cpu", str(plan), str(in_process))
                load_cpu.report(figures, in_process)
                return
            server_log = (work / "server.log").open("w", encoding="utf-8")
            server = subprocess.Popen(
                [sys.executable, "-m", "mast.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                env=env, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            _wait_for(f"{base}/health/", server, work / "server.log")
            web, postgresql = {server.pid}, {_postmaster(cluster)}
            before = os.getloadavg()[0]
            cpu_before = (_cpu_seconds(web), _cpu_seconds(postgresql), _children_cpu())
            _locust(base, plan, work / "locust", rate, seconds, users)
            cpu = {
                "web": _cpu_seconds(web) - cpu_before[0],
                "postgresql": _cpu_seconds(postgresql) - cpu_before[1],
                "locust": _children_cpu() - cpu_before[2],
            }
            report(
                judge,
                _read_stats(work / "locust"),
                region,
                records,
                seconds,
                (before, os.getloadavg()[0]),
                cpu,
            )
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
                server_log.close()
            cluster.stop()
