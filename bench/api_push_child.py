"""Run inside a fresh process by bench/api_push.py: build the demo region (or take the copied million-record
one, people 0), then push records one at a time through the partner API and time each until it is stored,
matched and visible. Prints the figures as JSON, with the matching stages of each push."""

import json
import os
import random
import sys
import time

import django


def main(people: int, pushes: int) -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.test import APIClient

    from mast.access.models import Role, User
    from mast.api import keys
    from mast.feeds.models import Involvement, PartnerRecord, Source
    from mast.identity import resolution, warm_linker

    # BENCH_PUSH_COLD=1: each push builds its linker afresh, as before the warm linker (ADR 0021).
    cold = os.environ.get("BENCH_PUSH_COLD") == "1"

    call_command("migrate", verbosity=0)
    source_code = "northshire-police"
    if people:
        call_command("demo", people=people, stdout=open(os.devnull, "w"))  # noqa: SIM115
        admin = User.objects.get(username="admin")
    else:  # the copied region: its people and records, but no users
        agency = Source.objects.get(code=source_code).agency
        admin = User.objects.create_user(username="bench-admin", role=Role.ADMINISTRATOR, agency=agency)
    settings.MAST_API_RATES = {"push": "100000/minute", "query": "100000/minute"}
    source = Source.objects.get(code=source_code)
    made = keys.create_key(admin, source, "push", "bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    held = list(
        PartnerRecord.objects.filter(source=source, removed_at__isnull=True).values(
            "person_ref", "given_name", "family_name", "date_of_birth", "postcode", "nhs_number"
        )[:5000]
    )
    # Each push's matching stages, as resolve_records reports them.
    stages: list[dict] = []
    current: dict[str, float] = {}
    resolve = resolution._resolve_records

    def timed_resolve(record_ids, progress):
        summary = resolve(record_ids, progress)
        for name, seconds in summary.seconds.items():
            current[name] = current.get(name, 0.0) + seconds
        return summary

    resolution._resolve_records = timed_resolve
    prime_seconds = None
    if not people and not cold:
        started = time.perf_counter()
        warm_linker.prime()
        prime_seconds = time.perf_counter() - started
    rng = random.Random(18)
    today = timezone.localdate().isoformat()
    timings, visible = [], 0
    for n in range(pushes):
        if n % 2 and held:  # half: a new incident for someone the police already know
            who = rng.choice(held)
            person = {
                **who,
                "date_of_birth": who["date_of_birth"].isoformat() if who["date_of_birth"] else "",
            }
        else:  # half: someone new to the police
            person = {
                "person_ref": f"BENCH-P{n}",
                "given_name": rng.choice(["Robin", "Ellis", "Jordan", "Sam", "Alex"]),
                "family_name": f"Benchley{n}",
                "date_of_birth": f"20{rng.randint(0, 20):02d}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "postcode": "",
                "nhs_number": "",
            }
        record = {
            **person,
            "record_id": f"BENCH-{n}",
            "involvement_type": "domestic_abuse",
            "start_date": today,
            "status": "open",
        }
        if cold:
            warm_linker.forget()
        current.clear()
        started = time.perf_counter()
        response = client.post("/api/v1/records/", {"records": [record]}, format="json")
        timings.append(time.perf_counter() - started)
        stages.append(dict(current))
        involvement = Involvement.objects.filter(source=source, record_id=f"BENCH-{n}").first()
        if response.status_code == 200 and involvement and involvement.partner_record.link.person_id:
            visible += 1
    order = sorted(range(len(timings)), key=timings.__getitem__)

    def percentiles(values):
        """p50, p95 and p99: of the pushes' times, and of each matching stage's."""
        values = sorted(values)
        return [values[min(len(values) - 1, int(p / 100 * len(values)))] for p in (50, 95, 99)]

    p50, p95, p99 = (seconds * 1000 for seconds in percentiles(timings))
    names = sorted({name for seconds in stages for name in seconds})

    records = PartnerRecord.objects.count()
    print(
        json.dumps(
            {
                "records": records,
                "cold": cold,
                "pushes": pushes,
                "visible": visible,
                "p50": p50,
                "p95": p95,
                "p99": p99,
                "max": max(timings) * 1000,
                "prime_seconds": prime_seconds,
                "stages_p50": stages[order[len(order) // 2]],
                "stages_max": stages[order[-1]],
                "stage_percentiles": {
                    name: percentiles([seconds.get(name, 0.0) for seconds in stages]) for name in names
                },
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
