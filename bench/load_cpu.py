"""The load test's mix driven in one process, without gunicorn or locust: where a request's CPU goes.

On a machine shared with other work the load test's latencies say little, and even its CPU per request
(every gunicorn worker and PostgreSQL backend, from /proc) mixes the kinds of request together. Here the
same requests — a search (its page, then the post and its results), a person page opened from what the
searches found, the request inbox — go through Django's full stack (every middleware, the gate, the audit
log, the misuse rules, the templates) with Django's test client, one kind at a time, and for each kind this
process's CPU and its PostgreSQL backend's CPU (read from /proc) are taken apart, with the statements each
ran. Run by bench/load.py with BENCH_LOAD_CPU=N (N requests of each kind) against the load test's database.

BENCH_LOAD_PROFILE=DIR also writes a cProfile of each kind (CPU time, not wall time) to DIR.
"""

import cProfile
import json
import os
import random
import time
from pathlib import Path


def _backend_cpu(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Counted:
    """Statements sent to the database (connection.execute_wrapper): a count, not a log."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _signed_in(plan: dict, account: str):
    from django.test import Client
    from django.test.utils import override_settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mast.access.models import User

    override_settings(ALLOWED_HOSTS=["testserver"]).enable()
    user = User.objects.get(username=account)
    # HTTPS as behind nginx, so that MAST's Secure cookies come back.
    client = Client(headers={"x-forwarded-proto": "https"}, secure=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    stated = client.post("/purpose/", {"reference": plan["reference"], "reason": plan["reason"]})
    if stated.status_code != 302:
        raise SystemExit(f"the purpose was not accepted ({stated.status_code})")
    return client


def _kinds(client, plan: dict, rng: random.Random) -> dict:
    found: list[dict] = []

    def search_page():
        return client.get("/search/")

    def search_results():
        # The post and its results page, as locust's "search: results" (the test client needs no CSRF token).
        person = rng.choice(plan["people"])
        response = client.post(
            "/search/", {"given_name": person["given"], "family_name": person["family"]}, follow=True
        )
        if person["id"] in response.content.decode():
            found.append(person)
        return response

    def person_page():
        person = rng.choice(found or plan["people"])
        return client.get(f"/people/{person['id']}/")

    def inbox():
        return client.get("/requests/inbox/")

    return {
        "search page": search_page,
        "search results": search_results,
        "person page": person_page,
        "request inbox": inbox,
    }


def measure(plan_path: str, requests: str, account: str = "") -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        raise SystemExit("DEBUG is on: the figures would include Django's query log")
    plan = json.loads(Path(plan_path).read_text())
    client = _signed_in(plan, account or plan["accounts"][-1])
    kinds = _kinds(client, plan, random.Random(16))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    n = int(requests)
    for call in kinds.values():  # warm: templates compiled, the scorer built, caches filled
        for _ in range(3):
            call()
    profile_dir = os.environ.get("BENCH_LOAD_PROFILE", "")
    results = {}
    for name, call in kinds.items():
        counted = Counted()
        profiler = cProfile.Profile(time.process_time) if profile_dir else None
        web, pg, started = time.process_time(), _backend_cpu(backend), time.perf_counter()
        with connection.execute_wrapper(counted):
            if profiler:
                profiler.enable()
            for _ in range(n):
                response = call()
                if response.status_code != 200:
                    raise SystemExit(f"{name} answered {response.status_code}")
            if profiler:
                profiler.disable()
        results[name] = {
            "web_ms": (time.process_time() - web) * 1000 / n,
            "postgresql_ms": (_backend_cpu(backend) - pg) * 1000 / n,
            "elapsed_ms": (time.perf_counter() - started) * 1000 / n,
            "statements": counted.n / n,
        }
        if profiler:
            Path(profile_dir).mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(str(Path(profile_dir) / f"{name.replace(' ', '-')}.prof"))
    print(json.dumps({"kinds": results, "load": os.getloadavg()[0]}))


def report(figures: dict, requests: int) -> None:
    print(f"load test's mix in one process ({requests} of each; machine load {figures['load']:.1f}):")
    print(f"  {'request':<16} {'web CPU':>8} {'PG CPU':>8} {'elapsed':>8} {'statements':>10}")
    for name, row in figures["kinds"].items():
        print(
            f"  {name:<16} {row['web_ms']:>6.1f}ms {row['postgresql_ms']:>6.1f}ms "
            f"{row['elapsed_ms']:>6.1f}ms {row['statements']:>10.1f}"
        )
