"""Run inside a fresh process by bench/linkage.py: load a region's feeds, then time full and incremental
matching, printing the figures as JSON."""

import json
import resource
import sys
import time
from pathlib import Path

import django


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(files_json: str) -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from mast.feeds.services import load_file
    from mast.identity.resolution import resolve_all, resolve_records
    from mast.synth.demo import ensure_partners

    files = json.loads(files_json)
    sources = {s.code: s for s in ensure_partners()}
    for code, (first, _full) in files.items():
        load_file(sources[code], Path(first))

    started = time.perf_counter()
    full = resolve_all(retrain=True, progress=lambda m: print(m, file=sys.stderr, flush=True))
    full_seconds = time.perf_counter() - started
    full_peak = peak_mib()

    changed: list[int] = []
    for code, (_first, whole) in files.items():
        changed += load_file(sources[code], Path(whole)).changed_records
    started = time.perf_counter()
    incremental = resolve_records(changed)
    incremental_seconds = time.perf_counter() - started
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
    main(sys.argv[1])
