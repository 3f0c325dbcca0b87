"""One run of the analytics bench in its own process, on the database DATABASE_URL names (bench/analytics).

It fills the database with a synthetic region straight through SQL (the feed pipeline is benched elsewhere):
BENCH_ANALYTICS_INVOLVEMENTS involvements over 36 months among people known to one to four of eight agencies,
with their partner records, people and links, some requests and alerts. Then it times the refresh that follows
each load, and each dashboard page and a CSV, through Django's test client as an analyst (middleware, the gate
and its audit event, templates), and prints the figures.
"""

import os
import random
import statistics
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mast.config.settings")
django.setup()

from django.conf import settings  # noqa: E402

# Pages are rendered with the static files under their plain names: the bench collects none.
settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from mast.access.models import Agency, Role, User  # noqa: E402
from mast.analytics.refresh import refresh  # noqa: E402
from mast.canonical import CATEGORIES  # noqa: E402
from mast.feeds.models import Load, Source  # noqa: E402
from tests.signing_in import signed_in_with_factor  # noqa: E402

INVOLVEMENTS = int(os.environ.get("BENCH_ANALYTICS_INVOLVEMENTS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_ANALYTICS_PAGE_REQUESTS", "20"))
DISTRICTS = [f"NS{n}" for n in range(1, 31)]
CHUNK = 50_000


def _agencies() -> list[tuple[Agency, Source, Load]]:
    made = []
    for n in range(8):
        agency = Agency.objects.create(code=f"bench-{n}", name=f"Benchshire Agency {n}", kind="other")
        source = Source.objects.create(code=f"bench-{n}", name=agency.name, agency=agency, mapping="bench")
        load = Load.objects.create(source=source, file_name="bench.csv", sha256="0" * 64, status="loaded")
        made.append((agency, source, load))
    return made


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def fill(today: date) -> None:
    rng = random.Random(2026)
    agencies = _agencies()
    categories = list(CATEGORIES)
    now = timezone.now()
    person_id = record_id = involvement_id = 0
    made = 0
    people, links, records, involvements = [], [], [], []

    def flush():
        _insert("identity_person", ["id", "public_id", "status", "created_at", "updated_at"], people)
        _insert(
            "feeds_partnerrecord",
            ["id", "source_id", "person_ref", "given_name", "middle_names", "family_name", "other_names",
             "date_of_birth", "date_of_birth_raw", "sex", "nhs_number", "nhs_number_valid", "flags",
             "content_hash", "first_load_id", "changed_load_id", "updated_at", "address_line_1",
             "address_line_2", "address_line_3", "town", "postcode", "uprn", "stale_reason"],
            records,
        )  # fmt: skip
        _insert(
            "identity_personlink",
            ["partner_record_id", "person_id", "method", "model_version", "explanation", "created_at",
             "updated_at"],
            links,
        )  # fmt: skip
        _insert(
            "feeds_involvement",
            ["id", "source_id", "record_id", "partner_record_id", "involvement_type", "category",
             "start_date", "end_date", "status", "lead_practitioner", "team", "contact_phone",
             "contact_email", "restricted", "flags", "content_hash", "first_load_id", "changed_load_id",
             "address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn",
             "stale_reason"],
            involvements,
        )  # fmt: skip
        for batch in (people, links, records, involvements):
            batch.clear()

    import uuid

    while made < INVOLVEMENTS:
        person_id += 1
        people.append((person_id, str(uuid.UUID(int=rng.getrandbits(128))), "active", now, now))
        born = today - timedelta(days=rng.randrange(0, 90 * 365))
        sex = rng.choice(("female", "male", "female", "male", "other", ""))
        postcode = f"{rng.choice(DISTRICTS)} {rng.randrange(1, 9)}AB"
        for k in rng.sample(range(8), rng.choice((1, 1, 1, 2, 2, 3, 4))):
            _, source, load = agencies[k]
            record_id += 1
            records.append(
                (record_id, source.pk, f"P{record_id}", "Bench", "", "Person", "", born, "", sex,
                 "", False, "{}", "0" * 64, load.pk, load.pk, now, "", "", "", "", postcode, "", "")
            )  # fmt: skip
            links.append((record_id, person_id, "model", "bench", "[]", now, now))
            for _ in range(rng.choice((1, 1, 2, 3))):
                involvement_id += 1
                start = today - timedelta(days=rng.randrange(0, 36 * 30))
                closed = rng.random() < 0.75
                end = start + timedelta(days=rng.randrange(0, 300)) if closed else None
                involvements.append(
                    (involvement_id, source.pk, f"I{involvement_id}", record_id, "X", rng.choice(categories),
                     start, end, "closed" if closed else "open", "", "", "", "", False, "{}", "0" * 64,
                     load.pk, load.pk, "", "", "", "", postcode, "", "")
                )  # fmt: skip
                made += 1
        if len(involvements) >= CHUNK:
            flush()
    flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("identity_person", "feeds_partnerrecord", "feeds_involvement"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
            cursor.execute("ANALYZE")


def timed(client: Client, url: str) -> list[float]:
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)
    return times


def main() -> None:
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        fill(today)
    print(
        f"{connection.vendor}: filled {INVOLVEMENTS:,} involvements in {time.perf_counter() - started:.0f} s"
    )
    done = refresh()
    print(
        f"refresh after a load: {done.seconds:.1f} s ({done.involvements:,} involvements, "
        f"{done.person_months:,} person-months)",
        flush=True,
    )
    analyst = User.objects.create_user(
        "bench.analyst", password=None, role=Role.ANALYST, agency=Agency.objects.first()
    )
    # Past the second factor, as every analyst signs in (a bare sign-in is sent to enter a code).
    client = signed_in_with_factor(Client(), analyst)
    agency = Agency.objects.first().pk
    pages = {
        "people, last 12 months": "/analytics/",
        "people, 36 months": "/analytics/?first="
        + (today.replace(day=1) - timedelta(days=35 * 30.5)).strftime("%Y-%m")
        + "&last="
        + today.strftime("%Y-%m"),
        "people, one agency, area, age band": f"/analytics/?agency={agency}&area=NS3&age_band=25+to+64",
        "demand": "/analytics/demand/",
        "data quality": "/analytics/data-quality/",
        "CSV of people known": "/analytics/tables/known.csv",
    }
    for name, url in pages.items():
        times = sorted(timed(client, url))
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"  {name:<40} median {statistics.median(times):6.0f} ms", flush=True)
        print(f"p95 {name}\t{p95:.0f}", flush=True)


if __name__ == "__main__":
    main()
