"""Run inside a fresh process by bench/search.py: index a loaded region for search, then time searches,
printing the figures as JSON on the last line."""

import csv
import gc
import json
import random
import shutil
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import django

QUERIES_PER_KIND = 60


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(database: str, files_json: str, region: str, sqlite_path: str) -> None:
    with ExitStack() as stack:
        day1 = Path(region) / "day1.sqlite3"
        if database == "postgresql":
            from tests.postgres_cluster import PostgresCluster

            cluster = PostgresCluster().start()
            stack.callback(cluster.stop)
            settings = cluster.settings
            import os

            os.environ["DATABASE_URL"] = (
                f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
            )
        elif day1.exists():
            shutil.copyfile(day1, sqlite_path)
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from mast.feeds.models import PartnerRecord
        from mast.feeds.services import load_file
        from mast.synth.demo import ensure_partners

        sources = {s.code: s for s in ensure_partners()}
        if not PartnerRecord.objects.exists():
            log("loading the first day's feeds (once)")
            for code, (first, _second) in json.loads(files_json).items():
                load_file(sources[code], Path(first))
        indexing = index(region, json.loads(files_json))
        # A web server never holds what indexing left behind: collect it now, not during the first searches.
        gc.collect()
        figures = {"index": indexing, "queries": queries(region)}
    print(json.dumps(figures))


def link_true_people(region: str) -> None:
    """One MAST person per true person, linked from the truth file: what perfect matching would give."""
    from django.db import transaction
    from django.utils import timezone

    from mast.feeds import bulk
    from mast.feeds.models import PartnerRecord
    from mast.identity.models import Person, PersonLink

    truth = {}
    with (Path(region) / "truth" / "records.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["source"], row["person_ref"])] = row["person_id"]
    records = list(PartnerRecord.objects.values_list("pk", "source__code", "person_ref"))
    true_ids = sorted({truth[(code, ref)] for _pk, code, ref in records})
    now = timezone.now()
    with transaction.atomic():
        public = {t: uuid.uuid5(uuid.NAMESPACE_OID, t) for t in true_ids}
        bulk.insert_rows(
            Person,
            ("public_id", "status", "created_at", "updated_at"),
            ((public[t], "active", now, now) for t in true_ids),
        )
        person_of = {pid: pk for pid, pk in Person.objects.values_list("public_id", "pk")}
        bulk.insert_rows(
            PersonLink,
            (
                "partner_record",
                "person",
                "method",
                "model_version",
                "explanation",
                "created_at",
                "updated_at",
            ),
            (
                (pk, person_of[public[truth[(code, ref)]]], "model", "truth", [], now, now)
                for pk, code, ref in records
            ),
        )


def index(region: str, files: dict) -> dict:
    from mast.feeds.models import Source
    from mast.feeds.services import load_file
    from mast.identity.models import PersonLink
    from mast.identity.record_store import standardised_records
    from mast.identity.search import index as search_index

    if not PersonLink.objects.exists():
        log("linking records to their true people")
        link_true_people(region)
    log("standardising records (as a full matching run does before it indexes)")
    table = standardised_records()
    log("writing search keys and addresses")
    started = time.perf_counter()
    first = search_index.index_records(None, table=table)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    search_index.index_records(None, table=table)
    again = time.perf_counter() - started
    # The second day's files hold only the new rows, so they are loaded as deltas (as bench/linkage.py does).
    Source.objects.update(mode="delta")
    changed: list[int] = []
    for code, (_first, second) in files.items():
        changed += load_file(Source.objects.get(code=code), Path(second)).changed_records
    table = standardised_records(changed=changed)
    started = time.perf_counter()
    load_summary = search_index.index_records(changed, table=table)
    load = time.perf_counter() - started
    return {
        "records": first.records,
        "keys": first.keys,
        "involvements": first.involvements,
        "first": first_seconds,
        "first_keys": first.seconds["search_keys"],
        "first_addresses": first.seconds["addresses"],
        "again": again,
        "load_records": len(changed),
        "load": load,
        "load_keys": load_summary.seconds["search_keys"],
        "load_addresses": load_summary.seconds["addresses"],
    }


def spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"


def queries(region: str) -> dict:
    from mast.feeds.models import Involvement, PartnerRecord
    from mast.identity.search.find import SearchQuery, search_addresses, search_people
    from mast.synth import names

    rng = random.Random(5)
    top = PartnerRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    sample = []
    while len(sample) < 400:
        ids = [rng.randint(1, top) for _ in range(400)]
        sample += list(
            PartnerRecord.objects.filter(pk__in=ids, removed_at__isnull=True).select_related("link")
        )
    nicknamed = [r for r in sample if r.given_name in names.NICKNAMES]
    with_dob = [r for r in sample if r.date_of_birth]
    swappable = [
        r for r in with_dob if r.date_of_birth.day <= 12 and r.date_of_birth.day != r.date_of_birth.month
    ]
    with_nhs = [r for r in sample if r.nhs_number_valid]

    def dob(r, fmt="%d/%m/%Y"):
        return r.date_of_birth.strftime(fmt)

    kinds = {
        "name and dob": [
            (r, SearchQuery(given_name=r.given_name, family_name=r.family_name, date_of_birth=dob(r)))
            for r in with_dob
        ],
        "name only": [(r, SearchQuery(given_name=r.given_name, family_name=r.family_name)) for r in sample],
        "misspelt family name": [
            (
                r,
                SearchQuery(
                    given_name=r.given_name,
                    family_name=names.typo(rng, r.family_name),
                    date_of_birth=dob(r, "%Y"),
                ),
            )
            for r in with_dob
        ],
        "nickname": [
            (r, SearchQuery(given_name=rng.choice(names.NICKNAMES[r.given_name]), family_name=r.family_name))
            for r in nicknamed
        ],
        "swapped day and month": [
            (
                r,
                SearchQuery(
                    given_name=r.given_name, family_name=r.family_name, date_of_birth=dob(r, "%m/%d/%Y")
                ),
            )
            for r in swappable
        ],
        "NHS number": [(r, SearchQuery(nhs_number=spaced(r.nhs_number))) for r in with_nhs],
        "reference": [(r, SearchQuery(reference=r.person_ref)) for r in sample],
        "family and postcode": [
            (r, SearchQuery(family_name=r.family_name, postcode=r.postcode.replace(" ", "").lower()))
            for r in sample
            if r.postcode
        ],
        "family and year": [
            (r, SearchQuery(family_name=r.family_name, date_of_birth=dob(r, "%Y"))) for r in with_dob
        ],
        "family name only": [(r, SearchQuery(family_name=r.family_name)) for r in sample],
    }
    # Warm up: the model, the name groups, the database's caches.
    for _r, query in list(kinds["name and dob"])[:5]:
        search_people(query)
    figures = {}
    for kind, pairs in kinds.items():
        pairs = pairs[:QUERIES_PER_KIND]
        times, cpu, first, top3 = [], [], 0, 0
        for record, query in pairs:
            started, cpu_started = time.perf_counter(), time.process_time()
            found = search_people(query)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            people = [m.person_id for m in found]
            first += bool(people) and people[0] == record.link.person_id
            top3 += record.link.person_id in people[:3]
        figures[kind] = {
            "n": len(pairs),
            "p50": percentile(times, 0.5),
            "p95": percentile(times, 0.95),
            "max": max(times),
            # CPU time: on a machine shared with other work, the part of the wait that is search's own.
            "cpu_p95": percentile(cpu, 0.95),
            "first": first / len(pairs),
            "top3": top3 / len(pairs),
        }
    involvements = list(
        Involvement.objects.filter(pk__in=[rng.randint(1, top) for _ in range(200)]).exclude(postcode="")
    )[:QUERIES_PER_KIND]
    times, cpu, first, top3 = [], [], 0, 0
    for involvement in involvements:
        started, cpu_started = time.perf_counter(), time.process_time()
        found = search_addresses(involvement.postcode.replace(" ", "").lower(), involvement.address_line_1)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        ids = [a.address_id for a in found]
        mine = getattr(getattr(involvement, "standard_address", None), "address_id", None)
        first += bool(ids) and ids[0] == mine
        top3 += mine in ids[:3]
    if times:
        figures["address"] = {
            "n": len(times),
            "p50": percentile(times, 0.5),
            "p95": percentile(times, 0.95),
            "max": max(times),
            "cpu_p95": percentile(cpu, 0.95),
            "first": first / len(times),
            "top3": top3 / len(times),
        }
    return figures


if __name__ == "__main__":
    main(*sys.argv[1:5])
