"""Run inside a fresh process by bench/audit_log.py: fill an audit log, then time an IG officer's reads of
it, printing the figures as JSON on the last line."""

import json
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import django

USERS, PEOPLE, QUERIES = 2000, 500_000, 40
ACTIONS = ("search_people", "view_person", "view_person", "view_address", "print_person", "view_requests")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every index the fill writes to, unique ones too (the rows are unique)."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('audit_auditevent', 'oversight_shown')"
    )
    return cursor.fetchall()


def fill(events: int, people: list[str]) -> tuple[float, int]:
    from django.db import connection

    from mast.audit.models import AuditEvent

    have = AuditEvent.objects.count()
    start = time.perf_counter()
    rng = random.Random(17)
    first = datetime(2023, 12, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 28, tzinfo=UTC) - first).total_seconds()
    batch, shown = 50_000, 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        # A fresh log is filled without its indexes and indexed once at the end: keeping eight indexes up to
        # date row by row made a 10,000,000-event fill take hours on a shared machine.
        indexes = _indexes(cursor) if have == 0 else []
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for base in range(have, events, batch):
            rows, looks = [], []
            for n in range(base + 1, min(events, base + batch) + 1):
                at = first + timedelta(seconds=span * n / events)
                action = rng.choice(ACTIONS)
                person = rng.choice(people)
                user = rng.randrange(USERS)
                target = f"person:{person}" if action in ("view_person", "print_person") else "search"
                detail = json.dumps({"people_shown": [person]}) if action == "search_people" else "{}"
                stamp = at.strftime("%Y-%m-%d %H:%M:%S")
                rows.append((n, stamp, f"user{user:04d}", f"Agency {user % 12}", "practitioner", action,
                             "allowed", target, detail, "mash_triage", f"CASE-{n % 9999}", None,
                             f"{n - 1:064x}", f"{n:064x}"))  # fmt: skip
                if action in ("view_person", "print_person", "search_people"):
                    how = {"view_person": "viewed", "print_person": "printed"}.get(action, "search_result")
                    looks.append((n, None, stamp, person.replace("-", ""), how))
            cursor.executemany(
                "INSERT INTO audit_auditevent (sequence, at, username, agency, role, action, outcome, "
                "target, detail, purpose_code, purpose_reference, ip_address, previous_hash, hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                "INSERT INTO oversight_shown (event_id, user_id, at, subject, how) "
                "VALUES (%s, %s, %s, %s, %s)",
                looks,
            )
            shown += len(looks)
            if base % 1_000_000 == 0:
                log(f"{base:,} events written")
        for _, sql in indexes:
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return time.perf_counter() - start, shown


def main(events: int) -> None:
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.core.paginator import Paginator

    from mast.access.models import Agency
    from mast.audit.reports import EventFilter
    from mast.audit.reports import events as filtered
    from mast.oversight import who_viewed
    from mast.oversight.models import Shown

    for n in range(12):
        Agency.objects.get_or_create(code=f"agency-{n}", defaults={"name": f"Agency {n}", "kind": "other"})
    rng = random.Random(2026)
    people = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(PEOPLE)]
    write_s, shown = fill(events, people)
    shown = Shown.objects.count()

    def page(filters: EventFilter) -> None:
        found = Paginator(filtered(filters), 50).get_page(1)
        list(found.object_list)

    def person_page(person: str) -> None:
        rows = Shown.objects.filter(subject=person).order_by("-event_id", "how")
        found = Paginator(rows, who_viewed.PAGE_SIZE).get_page(1)
        list(found.object_list)

    day = datetime(2026, 6, 1).date()
    kinds = {
        "newest page": lambda: page(EventFilter()),
        "one user's page": lambda: page(EventFilter(username=f"user{rng.randrange(USERS):04d}")),
        "one person's events": lambda: page(EventFilter(person=rng.choice(people))),
        # Typed as an IG officer might, in another case: matched to the log's spelling, then the index.
        "one agency's page": lambda: page(EventFilter(agency=f"agency {rng.randrange(12)}")),
        "one action, one week": lambda: page(
            EventFilter(action="print_person", since=day, until=day + timedelta(days=7))
        ),
        "who looked at one person": lambda: person_page(rng.choice(people)),
    }  # fmt: skip
    queries = {}
    for kind, read in kinds.items():
        timings = []
        for _ in range(QUERIES):
            start = time.perf_counter()
            read()
            timings.append((time.perf_counter() - start) * 1000)
        queries[kind] = {"n": QUERIES, "p50": percentile(timings, 0.5), "p95": percentile(timings, 0.95)}
        log(f"{kind}: p95 {queries[kind]['p95']:.1f} ms")
    print(json.dumps({"events": events, "shown": shown, "write_s": write_s, "queries": queries}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
