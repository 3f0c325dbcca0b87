"""Run inside fresh processes by bench/warm_linkage.py, each printing its figures as JSON:

- `prepare`: take the newest records back out of matching (links, review pairs, store rows), as a delta;
- `cold`: match them with a linker built for the run, then one record cold;
- `warm`: build the warm linker, match them with it, then single records one at a time.
"""

import json
import os
import resource
import sys
import time

import django

DELTA = int(os.environ.get("BENCH_WARM_DELTA", "10000"))
SINGLES = int(os.environ.get("BENCH_WARM_SINGLES", "100"))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def delta_ids() -> list[int]:
    from mast.feeds.models import PartnerRecord

    active = PartnerRecord.objects.filter(removed_at__isnull=True).order_by("-pk")
    return sorted(active.values_list("pk", flat=True)[:DELTA])


def prepare() -> dict:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.feather as feather
    from django.core.management import call_command
    from django.db import connection, transaction

    from mast.feeds.models import PartnerRecord
    from mast.identity import record_store
    from mast.identity.models import MatchCandidate, PersonLink, SearchKey

    # The region may have been resolved before this MAST's migrations (an index the push path reads).
    call_command("migrate", verbosity=0)
    ids = delta_ids()
    with transaction.atomic():
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            PersonLink.objects.filter(partner_record_id__in=chunk).delete()
            MatchCandidate.objects.filter(record_a_id__in=chunk).delete()
            MatchCandidate.objects.filter(record_b_id__in=chunk).delete()
            SearchKey.objects.filter(partner_record_id__in=chunk).delete()
    path = record_store.store_path()
    table = feather.read_table(path)
    gone = pa.array([str(i) for i in ids], pa.string())
    feather.write_feather(
        table.filter(pc.invert(pc.is_in(table.column("unique_id"), value_set=gone))), path, compression="lz4"
    )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"delta": len(ids), "records": PartnerRecord.objects.filter(removed_at__isnull=True).count()}


def rematch_one(pk: int):
    """A record whose details a push changed: its timestamp moves, so the store redoes it, and it is
    matched again against everyone."""
    from django.utils import timezone

    from mast.feeds.models import PartnerRecord
    from mast.identity.resolution import resolve_records

    PartnerRecord.objects.filter(pk=pk).update(updated_at=timezone.now())
    started = time.perf_counter()
    summary = resolve_records([pk])
    return time.perf_counter() - started, summary.seconds


def cold() -> dict:
    from mast.identity import warm_linker
    from mast.identity.resolution import resolve_records

    ids = delta_ids()
    started = time.perf_counter()
    run = resolve_records(ids)
    seconds = time.perf_counter() - started
    warm_linker.forget()
    single, _stages = rematch_one(ids[0])
    return {"delta_seconds": seconds, "delta_stages": run.seconds, "single_seconds": single}


def warm() -> dict:
    from mast.identity import warm_linker
    from mast.identity.resolution import resolve_records

    ids = delta_ids()
    started = time.perf_counter()
    warm_linker.prime()
    prime = time.perf_counter() - started
    started = time.perf_counter()
    run = resolve_records(ids)
    seconds = time.perf_counter() - started
    timings, stages = [], []
    for pk in ids[:: max(1, len(ids) // SINGLES)][:SINGLES]:
        took, seconds_by_stage = rematch_one(pk)
        timings.append(took)
        stages.append(seconds_by_stage)
    order = sorted(range(len(timings)), key=timings.__getitem__)
    median = order[len(order) // 2]
    return {
        "prime_seconds": prime,
        "delta_seconds": seconds,
        "delta_stages": run.seconds,
        "singles": len(timings),
        "single_p50": timings[median],
        "single_p95": sorted(timings)[min(len(timings) - 1, int(0.95 * len(timings)))],
        "single_max": max(timings),
        "single_stages": stages[median],
        "peak_mib": peak_mib(),
    }


if __name__ == "__main__":
    django.setup()
    step = sys.argv[1]
    print(json.dumps({"prepare": prepare, "cold": cold, "warm": warm}[step]()))
