"""Run inside a fresh process by bench/api_push.py: build the demo region, then push records one at a time
through the partner API and time each until it is stored, matched and visible. Prints the figures as JSON."""

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

    from mast.access.models import User
    from mast.api import keys
    from mast.feeds.models import Involvement, PartnerRecord, Source
    from mast.identity import warm_linker

    # BENCH_PUSH_COLD=1: each push builds its linker afresh, as before the warm linker (ADR 0021).
    cold = os.environ.get("BENCH_PUSH_COLD") == "1"

    call_command("migrate", verbosity=0)
    call_command("demo", people=people, stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.MAST_API_RATES = {"push": "100000/minute", "query": "100000/minute"}
    source = Source.objects.get(code="northshire-police")
    made = keys.create_key(User.objects.get(username="admin"), source, "push", "bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    held = list(
        PartnerRecord.objects.filter(source=source, removed_at__isnull=True).values(
            "person_ref", "given_name", "family_name", "date_of_birth", "postcode", "nhs_number"
        )[:5000]
    )
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
        started = time.perf_counter()
        response = client.post("/api/v1/records/", {"records": [record]}, format="json")
        timings.append(time.perf_counter() - started)
        involvement = Involvement.objects.filter(source=source, record_id=f"BENCH-{n}").first()
        if response.status_code == 200 and involvement and involvement.partner_record.link.person_id:
            visible += 1
    timings.sort()

    def pct(p):
        return timings[min(len(timings) - 1, int(p / 100 * len(timings)))] * 1000

    records = PartnerRecord.objects.count()
    print(
        json.dumps(
            {
                "records": records,
                "cold": cold,
                "pushes": pushes,
                "visible": visible,
                "p50": pct(50),
                "p95": pct(95),
                "p99": pct(99),
                "max": timings[-1] * 1000,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
