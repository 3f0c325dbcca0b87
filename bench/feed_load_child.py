"""Run inside a fresh process by bench/feeds.py: load one file and print time and peak memory as JSON."""

import json
import resource
import sys
import time
from pathlib import Path

import django


def main(source_code: str, path: str) -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from mast.feeds.services import load_file, source_for_mapping

    source = source_for_mapping(source_code)
    started = time.perf_counter()
    outcome = load_file(source, Path(path))
    seconds = time.perf_counter() - started
    load = outcome.load
    print(
        json.dumps(
            {
                "status": load.status,
                "rows": load.rows_read,
                "loaded": load.rows_loaded,
                "changed": len(outcome.changed_records),
                "seconds": seconds,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
