"""Incremental matching cold and warm, at a million records: what a day's delta and a single push pay.

Starts from the linkage bench's resolved region (var/bench/region-N/resolved/, made by `python -m bench
linkage`). The newest BENCH_WARM_DELTA (10,000) partner records are taken back out of matching — their
links and review pairs deleted, their rows dropped from the standardised store — so that they arrive as a
day's delta would. Two processes, each on its own copy of that state:

- cold: `resolve_records(delta)` in a fresh process, as before issue 19 item 5 (the linker built for it);
  then one single-record re-match with the warm linker forgotten (a cold push);
- warm: the process's warm linker built first (as the first load a worker matches builds it; not timed),
  then `resolve_records(delta)`, then BENCH_WARM_SINGLES (100) single-record re-matches, each of one
  record whose details changed (what a partner's push of a correction costs matching).

Results: p50/p95 of the single re-matches and the 10,000-record delta, cold and warm, with their stages
(among them the re-scoring of the people the delta touches and the two commits) and what no stage covers.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.linkage import resolved_dir

ROOT = Path(__file__).resolve().parent.parent
DELTA_SECONDS, SINGLE_SECONDS = 3, 1  # issue 19's targets


def child(step: str, work: Path) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{work / 'mast.sqlite3'}",
        DJANGO_SETTINGS_MODULE="mast.config.settings",
        MAST_VAR_DIR=str(work / "var"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.warm_linkage_child", step],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        print(result.stderr[-3000:])
        raise SystemExit(f"warm linkage benchmark failed ({step})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def stages(result: dict) -> str:
    """The delta's stages, and what none of them accounts for of the time measured around it (meant to be
    next to nothing: a large remainder is work no stage names)."""
    named = result["delta_stages"]
    other = result["delta_seconds"] - sum(named.values())
    return ", ".join(f"{k} {v:.2f} s" for k, v in {**named, "other": other}.items())


def copy_state(source: Path, work: Path) -> None:
    shutil.copyfile(source / "mast.sqlite3", work / "mast.sqlite3")
    shutil.copytree(source / "var", work / "var")


def run(judge) -> None:
    people = int(os.environ.get("BENCH_LINK_PEOPLE", "1420000"))
    resolved = resolved_dir(ROOT / "var" / "bench" / f"region-{people}")
    if not (resolved / "DONE").exists():
        raise SystemExit(f"no resolved region in {resolved}: run `python -m bench linkage` first")
    with tempfile.TemporaryDirectory(prefix="mast-bench-warm-") as tmp:
        prepared, cold_dir, warm_dir = (Path(tmp) / name for name in ("prepared", "cold", "warm"))
        prepared.mkdir()
        copy_state(resolved, prepared)
        setup = child("prepare", prepared)
        for work in (cold_dir, warm_dir):
            work.mkdir()
            copy_state(prepared, work)
        shutil.rmtree(prepared)
        cold = child("cold", cold_dir)
        shutil.rmtree(cold_dir)
        warm = child("warm", warm_dir)
    records = setup["records"]
    print(
        f"incremental cold [sqlite]: {setup['delta']:,} records against {records:,} in "
        f"{cold['delta_seconds']:.1f} s (stages "
        + stages(cold)
        + f"); one record cold {cold['single_seconds'] * 1000:,.0f} ms",
        flush=True,
    )
    print(
        f"incremental warm [sqlite]: {setup['delta']:,} records against {records:,} in "
        f"{warm['delta_seconds']:.1f} s (stages "
        + stages(warm)
        + f"); warm linker built in {warm['prime_seconds']:.1f} s beforehand, peak memory "
        f"{warm['peak_mib']:,.0f} MiB",
        flush=True,
    )
    print(
        f"single record warm [sqlite]: {warm['singles']} re-matches against {records:,}: "
        f"p50 {warm['single_p50'] * 1000:,.0f} ms, p95 {warm['single_p95'] * 1000:,.0f} ms, "
        f"max {warm['single_max'] * 1000:,.0f} ms; typical stages "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in warm["single_stages"].items()),
        flush=True,
    )
    judge.at_most(
        f"incremental warm [sqlite], {setup['delta']:,} records", warm["delta_seconds"], DELTA_SECONDS, "s"
    )
    judge.at_most(
        f"single record warm p95 [sqlite], {records:,} records", warm["single_p95"], SINGLE_SECONDS, "s"
    )
