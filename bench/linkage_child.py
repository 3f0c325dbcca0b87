"""Run inside a fresh process by bench/linkage.py: load a region's feeds, then time full and incremental
matching, printing the figures as JSON."""

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


def main(files_json: str, day1_cache: str) -> None:
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
    from mast.identity.resolution import resolve_all, resolve_records
    from mast.synth.demo import ensure_partners

    files = json.loads(files_json)
    sources = {s.code: s for s in ensure_partners()}
    if not cache.exists():
        for code, (first, _second) in files.items():
            load_file(sources[code], Path(first))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(cache)])

    started = time.perf_counter()
    full = resolve_all(retrain=True, progress=lambda m: print(m, file=sys.stderr, flush=True))
    full_seconds = time.perf_counter() - started
    full_peak = peak_mib()

    # The second day's files hold only the new rows, so they are loaded as deltas.
    Source.objects.update(mode="delta")
    changed: list[int] = []
    for code, (_first, second) in files.items():
        changed += load_file(Source.objects.get(code=code), Path(second)).changed_records
    started = time.perf_counter()
    incremental = resolve_records(changed)
    incremental_seconds = time.perf_counter() - started
    # The parent keeps this end state (database and identity files) for the practice bench: leave the
    # database whole in one file.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    print(
        json.dumps(
            {
                "full": {
                    "records": full.records,
                    "seconds": full_seconds,
                    "peak_mib": full_peak,
                    "stages": full.seconds,
                },
                "incremental": {
                    "new_records": len(changed),
                    "seconds": incremental_seconds,
                    "peak_mib": peak_mib(),
                    "stages": incremental.seconds,
                },
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
