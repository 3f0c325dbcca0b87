"""Run inside a fresh process by bench/practice.py, with DATABASE_URL and MAST_VAR_DIR set to the database and
identity files under test. Three steps, each printing its figures as JSON on the last line:

    prepare REGION PLAN REQUESTS   bring a resolved SQLite copy up to date (migrations, search keys, the
                                   relationships files, a practitioner with a stated purpose) and write the
                                   plan of requests, built from the region's truth
    to-postgres SQLITE             migrate the PostgreSQL database and copy the SQLite database into it
    measure PLAN [PROFILE]         time the plan's searches and person pages through Django's test client;
                                   with PROFILE, profile 50 of each instead and write the stats there
"""

import csv
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import django

from bench.practice_queries import KINDS, query_for

USERNAME = "bench-practitioner"
WARM_UP = 20


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- prepare -------------------------------------------------------------------------------------------------


def prepare(region: str, plan_path: str, requests: str) -> None:
    started = time.perf_counter()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seconds = {"migrate": time.perf_counter() - started}
    out = Path(region)
    step = time.perf_counter()
    keys = _search_keys()
    seconds["search_keys"] = time.perf_counter() - step
    step = time.perf_counter()
    relationships = _relationships(out)
    seconds["relationships"] = time.perf_counter() - step
    _practitioner()
    step = time.perf_counter()
    if not Path(plan_path).exists():  # a kept copy (BENCH_PRACTICE_KEEP) keeps its plan
        Path(plan_path).write_text(json.dumps(_plan(out, int(requests))))
    seconds["plan"] = time.perf_counter() - step
    seconds["statistics"] = _statistics()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(json.dumps({"seconds": seconds, "search_keys": keys, "relationships": relationships}))


def _statistics() -> float:
    """The planner's statistics, as the region's last load or full matching run leaves them (ADR 0042): the
    resolved database may have been made before MAST kept them. Seconds taken (0 when there is no such
    step in the code measured)."""
    from mast.feeds import bulk

    refresh = getattr(bulk, "refresh_statistics", None)
    if refresh is None:
        return 0.0
    started = time.perf_counter()
    refresh()
    return time.perf_counter() - started


def _search_keys() -> str:
    """The search service's keys, built if matching has not written them (a database resolved before identity
    search existed)."""
    try:
        from mast.identity.search import index as search_index
    except ImportError:
        return "no search service"
    model = getattr(search_index, "SearchKey", None)
    if model is None:
        from django.apps import apps

        model = next(
            (m for m in apps.get_app_config("identity").get_models() if m.__name__ == "SearchKey"), None
        )
    if model is None:
        return "no search keys"
    if model.objects.exists():
        return f"{model.objects.count():,} kept"
    build = next(
        (
            getattr(search_index, n)
            for n in ("index_records", "index_all", "rebuild_index", "build_keys")
            if hasattr(search_index, n)
        ),
        None,
    )
    if build is None:
        return "none, and no function to build them"
    log(f"building search keys with identity.search_index.{build.__name__}")
    build()
    return f"{model.objects.count():,} built"


def _relationships(out: Path) -> str:
    from mast.feeds.models import Source
    from mast.identity.family import load_relationships
    from mast.identity.models import Relationship

    if Relationship.objects.exists():
        return f"{Relationship.objects.count():,} kept"
    files = sorted((out / "relationships").glob("*/*.csv"))
    for path in files:
        load_relationships(Source.objects.get(code=path.parent.name), path)
    return f"{Relationship.objects.count():,} loaded"


def _practitioner() -> None:
    from mast.access.models import AccessPurpose, Agency, AgencyKind, Role, User

    agency = Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE).order_by("pk").first()
    user, _ = User.objects.update_or_create(
        username=USERNAME,
        defaults={"agency": agency, "role": Role.PRACTITIONER, "first_name": "Bench", "last_name": "Worker"},
    )
    AccessPurpose.objects.get_or_create(
        user=user, reference="BENCH-0001", reason="mash_triage", defaults={"reason_label": "MASH triage"}
    )


def _plan(out: Path, requests: int) -> dict:
    """The searches and person pages to time: the same for every database, since PostgreSQL gets a copy."""
    from django.db import connection

    from mast.identity.models import Person, PersonLink

    rng = random.Random(20261124)
    refs_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (out / "truth" / "records.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            refs_of[row["person_id"]].append((row["source"], row["person_ref"]))
    people = []
    with (out / "truth" / "people.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["person_id"] in refs_of:
                people.append(row)
    rng.shuffle(people)
    needed = requests + WARM_UP // 2  # half the warm-up is searches, half person pages
    quota = -(-needed // len(KINDS))
    # Per kind, three times the people needed who fit it (some records are not in MAST, not every NHS number
    # reached a partner).
    drafts: dict[str, list[tuple[dict, dict]]] = {kind: [] for kind in KINDS}
    taken: set[str] = set()
    for kind in KINDS:
        for person in people:
            if len(drafts[kind]) == 3 * quota:
                break
            if person["person_id"] in taken:
                continue
            query = query_for(kind, person, rng)
            if query is not None:
                drafts[kind].append((person, query))
                taken.add(person["person_id"])
    wanted: dict[str, set[str]] = defaultdict(set)
    for kind in KINDS:
        for person, _query_fields in drafts[kind]:
            for code, ref in refs_of[person["person_id"]]:
                wanted[code].add(ref)
    known: dict[tuple[str, str], tuple[str, str, bool]] = {}
    for code, refs in wanted.items():
        refs = sorted(refs)
        for start in range(0, len(refs), 5000):
            # By source and reference: the partner records' unique index.
            for ref, public_id, nhs, valid in PersonLink.objects.filter(
                partner_record__source__code=code,
                partner_record__person_ref__in=refs[start : start + 5000],
                partner_record__removed_at__isnull=True,
                person__status=Person.Status.ACTIVE,
            ).values_list(
                "partner_record__person_ref",
                "person__public_id",
                "partner_record__nhs_number",
                "partner_record__nhs_number_valid",
            ):
                known[(code, ref)] = (public_id.hex, nhs, valid)
    by_kind: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        for person, query in drafts[kind]:
            mine = [known[r] for r in refs_of[person["person_id"]] if r in known]
            if len(by_kind[kind]) == quota or not mine:
                continue
            if kind == "nhs_number" and not any(n == person["nhs_number"] and v for _, n, v in mine):
                continue  # no partner gave a valid NHS number for them: nothing to find
            expected = sorted({public_id for public_id, _, _ in mine})
            by_kind[kind].append({"kind": kind, "fields": query, "expected": expected})
    # Kinds in turn, so the warm-up and any shorter run get the same mix.
    searches = [s for group in zip(*by_kind.values(), strict=False) for s in group][:needed]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id FROM identity_personlink GROUP BY person_id HAVING COUNT(*) >= 2 "
            "ORDER BY person_id"
        )
        several = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(
            """
            SELECT DISTINCT l.person_id FROM identity_relationship r
            JOIN feeds_partnerrecord p ON p.source_id = r.source_id AND p.person_ref = r.person_ref
            JOIN identity_personlink l ON l.partner_record_id = p.id
            ORDER BY l.person_id
            """
        )
        with_family = [pk for (pk,) in cursor.fetchall()]
    everyone = list(Person.objects.filter(status=Person.Status.ACTIVE).values_list("pk", flat=True))
    chosen = (
        rng.sample(several, needed // 2)
        + rng.sample(with_family, min(len(with_family), needed // 4))
        + rng.sample(everyone, needed - needed // 2 - min(len(with_family), needed // 4))
    )
    rng.shuffle(chosen)
    public = dict(
        Person.objects.filter(pk__in=chosen, status=Person.Status.ACTIVE).values_list("pk", "public_id")
    )
    pages = [public[pk].hex for pk in chosen if pk in public]
    return {
        "searches": searches,
        "pages": pages,
        "counts": {
            "people_with_several_records": len(several),
            "people_with_family": len(with_family),
            "active_people": len(everyone),
        },
    }


# -- copy to PostgreSQL --------------------------------------------------------------------------------------


def to_postgres(sqlite_path: str) -> None:
    django.setup()
    from bench.practice_pg import copy_from_sqlite

    print(json.dumps(copy_from_sqlite(Path(sqlite_path), progress=log)))


# -- measure -------------------------------------------------------------------------------------------------

JOINT_FIRST = re.compile(r'id="joint-first" data-count="(\d+)"')
PEOPLE_FOUND = re.compile(r"<strong>(\d+) (?:person|people) found</strong>")
ASKED_WITH_COUNT = re.compile(
    r"[\d,]+ people match the details you entered: too many to put in a useful order"
)
PERSON_LINK = re.compile(r"/people/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/")


def _forget_earlier_runs() -> None:
    """The bench practitioner starts each run with no people shown to them before. Oversight's rules read a
    practitioner's recent history on every search and page (decision 0016): on a kept copy
    (BENCH_PRACTICE_KEEP) every earlier run's thousands of people would otherwise be theirs too, and each run
    would be measured against a busier history than the last. The audit log itself is kept whole."""
    from mast.access.models import User
    from mast.oversight.models import Shown

    user = User.objects.filter(username=USERNAME).first()
    if user is not None:
        Shown.objects.filter(user=user).delete()


def _client():
    from django.test import Client
    from django.test.utils import override_settings

    from mast.access.models import AccessPurpose, User
    from mast.gate.purpose import SESSION_KEY

    # As the pages' tests do: static files without collectstatic's manifest. DEBUG stays off.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=["testserver"],
    ).enable()
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username=USERNAME)
    client = Client()
    client.force_login(user)
    # Past the second factor, as django-otp marks a session after a right code: MAST sends a practitioner
    # without one back to sign in, and the bench would time that page instead.
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Bench app", confirmed=True
    )
    session = client.session
    session[SESSION_KEY] = AccessPurpose.objects.filter(user=user).latest("stated_at").pk
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _search(client, url: str, search: dict) -> tuple[float, float, list]:
    """Seconds taken, seconds of this process's CPU (the whole request on SQLite), and whether the true
    person was [on the first page, first, the query found too broad, first among those matching equally
    well], and how many people the page lists. A search is posted and its results
    read with GET, as a browser does: both requests are timed."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(url, search["fields"], follow=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200 or any("/sign-in/" in url for url, _status in response.redirect_chain):
        raise RuntimeError(
            f"search {search['fields']} answered {response.status_code}, {response.redirect_chain}"
        )
    html = response.content.decode()
    found = [m.replace("-", "") for m in PERSON_LINK.findall(html)]
    expected = set(search["expected"])
    # The page says when the first few match equally well (a household at one postcode, say): the true
    # person among them is as first as the query can make them.
    joint = JOINT_FIRST.search(html)
    leading = found[: int(joint.group(1)) if joint else 1]
    listed = PEOPLE_FOUND.search(html)
    return (
        elapsed,
        cpu,
        [
            bool(set(found) & expected),
            bool(found[:1] and found[0] in expected),
            "too-broad" in html,
            bool(set(leading) & expected),
            # How many people the page lists: what a looser search costs every practitioner who reads it.
            int(listed.group(1)) if listed else 0,
            # Too broad, and the page said exactly how many match and asked for one more detail (issue 14's
            # rule for a query that matches too many), rather than "more than" a number.
            bool(ASKED_WITH_COUNT.search(html)),
        ],
    )


def _page(client, public_id: str) -> tuple[float, float]:
    from django.urls import reverse

    url = reverse(
        "web:person",
        args=[f"{public_id[:8]}-{public_id[8:12]}-{public_id[12:16]}-{public_id[16:20]}-{public_id[20:]}"],
    )
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise RuntimeError(f"person page {url} answered {response.status_code}")
    return elapsed, cpu


def measure(plan_path: str, profile_path: str = "") -> None:
    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from mast.feeds.models import PartnerRecord

    if settings.DEBUG:
        raise SystemExit("DEBUG is on: the figures would include Django's query log")
    plan = json.loads(Path(plan_path).read_text())
    _forget_earlier_runs()
    client = _client()
    url = reverse("web:search")
    # A kept plan (BENCH_PRACTICE_KEEP) may be longer than this run asks: its first requests, kinds in turn.
    wanted = WARM_UP // 2 + int(os.environ.get("BENCH_PRACTICE_REQUESTS", "1000"))
    searches, pages = plan["searches"][:wanted], plan["pages"][:wanted]
    for search, page in zip(searches[: WARM_UP // 2], pages[: WARM_UP // 2], strict=True):
        _search(client, url, search)
        _page(client, page)
    searches, pages = searches[WARM_UP // 2 :], pages[WARM_UP // 2 :]
    if profile_path:
        _profile(client, url, searches[:50], pages[:50], profile_path)
        return
    load_before = os.getloadavg()[0]
    timed_searches = [(s["kind"], *_search(client, url, s)) for s in searches]
    timed_pages = [_page(client, p) for p in pages]
    print(
        json.dumps(
            {
                "records": PartnerRecord.objects.filter(removed_at__isnull=True).count(),
                "searches": timed_searches,
                # What was typed for each search whose true person was not first (synthetic region), so a
                # reader can see why without running them again.
                "misses": [
                    {"kind": s["kind"], "fields": s["fields"], "hit": timed[3]}
                    for s, timed in zip(searches, timed_searches, strict=True)
                    if not timed[3][1]
                ],
                "pages": timed_pages,
                # Other work on the machine slows every request: the one-minute load before and after.
                "load": [load_before, os.getloadavg()[0]],
            }
        )
    )


def _profile(client, url: str, searches: list, pages: list, profile_path: str) -> None:
    import cProfile

    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    summary = {}
    for name, run in (
        ("search", lambda: [_search(client, url, s) for s in searches]),
        ("person", lambda: [_page(client, p) for p in pages]),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
        profiler.dump_stats(f"{profile_path}.{name}.prof")
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            run()
        timed: dict[str, list[float]] = defaultdict(list)
        for q in queries.captured_queries:
            timed[re.sub(r"\b\d+\b|'[^']*'", "?", q["sql"])[:300]].append(float(q["time"]))
        summary[name] = {
            "queries_per_request": len(queries.captured_queries)
            / len(searches if name == "search" else pages),
            "slowest": sorted(((sum(t), len(t), sql) for sql, t in timed.items()), reverse=True)[:15],
        }
    Path(f"{profile_path}.queries.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({"profile": profile_path}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mast.config.settings")
    step, *args = sys.argv[1:]
    {"prepare": prepare, "to-postgres": to_postgres, "measure": measure}[step](*args)
