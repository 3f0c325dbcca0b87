"""A small region for oversight: a police force (a practitioner and two IG officers), a health trust that
restricts one record, and a dozen people known to the police at Kiln Lane, ZZ1 1AB."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.test import TestCase
from django.urls import reverse

from mast.access.models import AgencyKind, Role
from mast.audit import chain
from mast.governance.demo import ensure_purposes
from mast.oversight import words
from tests.factories.access import make_user
from tests.factories.people import involve, make_person, make_source
from tests.signing_in import signed_in_with_factor


@pytest.fixture(autouse=True)
def purposes(db, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAST_OVERSIGHT_VOLUME_FLOOR = 6
    settings.MAST_OVERSIGHT_UNSEARCHED_LIMIT = 4
    # Every hour is a working hour unless a test says otherwise, so only the rule under test fires.
    settings.MAST_WORKING_HOURS = "00:00-23:59:59"
    settings.MAST_WORKING_WEEKENDS = True
    ensure_purposes()
    words.forget()
    yield
    words.forget()


@pytest.fixture
def region(db):
    police = make_source("Testshire Police")
    health = make_source("Testshire NHS", AgencyKind.HEALTH)
    people = []
    names = (
        "Ada Quill, Ben Quill, Cal Moss, Dee Moss, Eli Rook, Fay Rook, Gus Lark, Hal Lark, Ivy Wren, Jon Wren"
    )
    names += ", Kit Finch, Lia Finch"
    for n, (given, family) in enumerate(name.split() for name in names.split(", ")):
        record = make_person(
            police, given, family, date(2012, 1, 1) + timedelta(days=n), address_line_1=f"{n + 1} Kiln Lane"
        )
        involve(record, "police_attendance", date.today() - timedelta(days=20))
        people.append(record.link.person)
    practitioner = make_user(
        Role.PRACTITIONER, agency=police.agency, first_name="Pat", last_name="Quill", team="MASH"
    )
    ig = make_user(Role.IG_OFFICER, agency=police.agency, first_name="Iggy", email="ig@police.example")
    ig2 = make_user(Role.IG_OFFICER, agency=police.agency, first_name="Ivo", email="ig2@police.example")
    health_ig = make_user(Role.IG_OFFICER, agency=health.agency, email="ig@health.example")
    return SimpleNamespace(
        police=police, health=health, people=people, practitioner=practitioner, ig=ig, ig2=ig2,
        health_ig=health_ig,
    )  # fmt: skip


def state_purpose(client, user, reference="CASE-0042"):
    signed_in_with_factor(client, user)
    response = client.post(reverse("web:purpose"), {"reference": reference, "reason": "mash_triage"})
    assert response.status_code == 302


def committed():
    """The rules run once an event commits; the test's transaction never does, so commit hooks run here."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def look(client, person):
    with committed():
        return client.get(reverse("web:person", args=[person.public_id]))


def searched(user, people, terms=None):
    """What the search page writes when it shows these people (tested with the search page itself)."""
    with committed():
        return chain.append(
            user=user,
            action="search_people",
            target="search",
            detail={
                "terms": terms or {"family_name": "Quill"},
                "people_shown": [str(p.public_id) for p in people],
            },
            purpose_code="mash_triage",
            purpose_reference="CASE-0042",
        )


REASON = "Child disclosed at school today that she is afraid to go home; NHS safeguarding line unanswered."


@pytest.fixture
def restricted_person(region):
    """Dee Moss, known to the police, with a sexual health case the NHS trust restricted."""
    person = region.people[3]
    record = make_person(
        region.health, "Dee", "Moss", person.links.first().partner_record.date_of_birth, person=person
    )
    involve(
        record, "sexual_health", date.today() - timedelta(days=5), restricted=True, status="open",
        lead_practitioner="Nurse Ophelia Vale", team="Sexual Health Outreach",
    )  # fmt: skip
    return person


@pytest.fixture
def named(region):
    """The police practitioner, named by their IG officer as one who may break glass."""
    from mast.access.models import BreakGlassGrant

    return BreakGlassGrant.objects.create(
        user=region.practitioner, why="Emergency duty team, out of hours", granted_by=region.ig
    )


def break_glass(client, person, reason):
    with committed():
        return client.post(reverse("web:break-glass", args=[person.public_id]), {"reason": reason})
