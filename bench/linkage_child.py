"""Run inside fresh processes by bench/linkage.py, each printing its figures as JSON:

- `full FILES DAY1_CACHE CHANGED`: load a region's first-day feeds, time the full matching run, then load the
  second day's rows (not timed) and write the changed records' ids to CHANGED for the next process;
- `incremental CHANGED`: a process of its own that times matching those records, cold (nothing read or
  cached by the full run), so that its time and its peak memory are the incremental run's alone.
"""

import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import django


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def full(files_json: str, day1_cache: str, changed_path: str) -> dict:
    cache = Path(day1_cache)
    database = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    if cache.exists():
        shutil.copyfile(cache, database)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from mast.feeds.models import Source
    from mast.feeds.services import load_file
    from mast.identity.resolution import resolve_all
    from mast.synth.demo import ensure_partners

    files = json.loads(files_json)
    sources = {s.code: s for s in ensure_partners()}
    if not cache.exists():
        for code, (first, _second) in files.items():
            load_file(sources[code], Path(first))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(cache)])

    started = time.perf_counter()
    run = resolve_all(retrain=True, progress=lambda m: print(m, file=sys.stderr, flush=True))
    seconds = time.perf_counter() - started
    peak = peak_mib()

    # The second day's files hold only the new rows, so they are loaded as deltas; their matching is the
    # next process's.
    Source.objects.update(mode="delta")
    changed: list[int] = []
    for code, (_first, second) in files.items():
        changed += load_file(Source.objects.get(code=code), Path(second)).changed_records
    Path(changed_path).write_text(json.dumps(changed))
    # Leave the database whole in one file, for the next process and for the practice bench.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"records": run.records, "seconds": seconds, "peak_mib": peak, "stages": run.seconds}


def incremental(changed_path: str) -> dict:
    django.setup()
    from django.db import connection

    from mast.identity.resolution import resolve_records

    changed = json.loads(Path(changed_path).read_text())
    started = time.perf_counter()
    run = resolve_records(changed)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"new_records": len(changed), "seconds": seconds, "peak_mib": peak_mib(), "stages": run.seconds}


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    print(json.dumps(full(*args) if step == "full" else incremental(*args)))
