"""The load test's set-up, inside a Django process on the load test's PostgreSQL database (bench/load.py):
accounts for the virtual practitioners, each with the demo's authenticator secret, and a plan of people to
search for and open, written as JSON for the locust file. Synthetic data only."""

import json
import random
import sys
from pathlib import Path

import django

ACCOUNTS = "load"
PASSWORD = "load test synthetic harbour kettle"  # noqa: S105 (a throwaway database's made-up accounts)


def setup(plan_path: str, accounts: str, people: str, prefix: str = ACCOUNTS) -> None:
    django.setup()
    from django.contrib.auth.hashers import make_password

    from mast.access.models import Agency, Role, User
    from mast.feeds.models import PartnerRecord, Source
    from mast.gate import purpose
    from mast.identity.models import Person
    from mast.synth import demo_users

    # The practitioners sit in an agency that sends data, as front-door staff do.
    agency = Agency.objects.filter(pk__in=Source.objects.values("agency")).order_by("pk").first()
    # One hash for all: hashing 400 times would take minutes, and these accounts share the password anyway.
    hashed = make_password(PASSWORD)
    users = []
    for n in range(int(accounts)):
        user, _ = User.objects.update_or_create(
            username=f"{prefix}{n:04d}",
            defaults={
                "first_name": "Load",
                "last_name": f"Tester {n}",
                "email": f"{prefix}{n:04d}@{agency.code}.example",
                "agency": agency,
                "role": Role.PRACTITIONER,
                "is_active": True,
                "password": hashed,
            },
        )
        users.append(user)
    demo_users.ensure_demo_second_factors(users)
    shape = agency.case_reference_shapes.first()
    rng = random.Random(16)
    ids = list(Person.objects.filter(links__isnull=False).values_list("pk", flat=True).distinct()[:200_000])
    chosen = rng.sample(ids, min(int(people), len(ids)))
    plan_people = []
    for person in Person.objects.filter(pk__in=chosen):
        record = PartnerRecord.objects.filter(link__person=person).first()
        if record is None:
            continue
        plan_people.append(
            {"id": str(person.public_id), "given": record.given_name, "family": record.family_name}
        )
    plan = {
        "accounts": [u.username for u in users],
        "password": PASSWORD,
        "totp_secret": demo_users.demo_totp_secret(),
        "reason": purpose.reasons()[0][0],
        "reference": shape.example if shape else "LOAD-0001",
        "people": plan_people,
        "records": PartnerRecord.objects.count(),
    }
    with open(plan_path, "w", encoding="utf-8") as handle:
        json.dump(plan, handle)
    print(json.dumps({"accounts": len(users), "people": len(plan_people), "records": plan["records"]}))


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    if step == "relationships":
        django.setup()
        from bench.practice_child import _relationships

        print(json.dumps({"relationships": _relationships(Path(args[0]))}))
    elif step == "cpu":
        from bench.load_cpu import measure

        measure(*args)
    else:
        {"setup": setup}[step](*args)
