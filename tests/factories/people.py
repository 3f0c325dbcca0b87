"""A small synthetic family known to two partners, for the practitioner's pages: records linked to people
directly (no load, no matching run), involvements, an address, and the signed-in practitioner who looks.

The fixtures (`agreement_purposes` is autouse) are used by importing them into a test module.
"""

import re
from datetime import date, timedelta
from html import unescape
from itertools import count
from types import SimpleNamespace

import pytest
from django.urls import reverse

from mast.access.models import AgencyKind, Role
from mast.feeds.models import Involvement, Load, PartnerRecord, Source
from mast.governance.demo import ensure_purposes
from mast.identity.models import Address, InvolvementAddress, Person, PersonLink, Relationship
from tests.factories.access import make_agency, make_user
from tests.signing_in import signed_in_with_factor

_serial = count(1)

EXPLANATION = [
    {"comparison": "given_name", "outcome": "Nickname of each other", "weight": 4.2},
    {"comparison": "date_of_birth", "outcome": "Exact match", "weight": 9.1},
]
TODAY = date.today()


@pytest.fixture(autouse=True)
def agreement_purposes(db, settings):
    """The sharing agreement's standard purposes, for practitioners to choose from."""
    # Users' passwords are never checked here (tests sign in with force_login): hash them quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_purposes()


# -- a small synthetic family --------------------------------------------------------------------------------


def make_source(agency_name: str, kind: str = AgencyKind.POLICE, **agency_fields) -> Source:
    n = next(_serial)
    agency = make_agency(agency_name, kind=kind, **agency_fields)
    return Source.objects.create(code=f"practice-{n}", name=f"{agency_name} feed", agency=agency, mapping="x")


def make_person(
    source: Source, given: str, family: str, born: date, *, person: Person | None = None, **fields
):
    """A partner record, linked to `person` (a new one if not given)."""
    load = Load.objects.filter(source=source).first() or Load.objects.create(
        source=source, file_name="feed.csv", sha256="0" * 64, status=Load.Status.LOADED
    )
    fields.setdefault("address_line_1", "3 Kiln Lane")
    fields.setdefault("town", "Testbury")
    fields.setdefault("postcode", "ZZ1 1AB")
    record = PartnerRecord.objects.create(
        source=source,
        person_ref=fields.pop("person_ref", f"P{next(_serial)}"),
        given_name=given,
        family_name=family,
        date_of_birth=born,
        date_of_birth_raw=f"{born:%d/%m/%Y}",
        content_hash=f"{next(_serial):064d}",
        first_load=load,
        changed_load=load,
        **fields,
    )
    person = person or Person.objects.create()
    PersonLink.objects.create(
        partner_record=record,
        person=person,
        method=PersonLink.Method.MODEL,
        match_probability=0.98765,
        explanation=EXPLANATION,
    )
    return record


def involve(record: PartnerRecord, category: str, started: date, **fields) -> Involvement:
    load = Load.objects.filter(source=record.source).first()
    return Involvement.objects.create(
        source=record.source,
        record_id=f"I{next(_serial)}",
        partner_record=record,
        involvement_type=category.upper(),
        category=category,
        start_date=started,
        content_hash="0" * 64,
        first_load=load,
        changed_load=load,
        address_line_1=record.address_line_1,
        town=record.town,
        postcode=record.postcode,
        **fields,
    )


@pytest.fixture
def family():
    """Tyler, known to the police and with an open child-protection case in children's services; his sister
    Ruby at the same address; an old police involvement outside the display window."""
    police = make_source("Testshire Police", contact_point="MASH police desk, 01632 960001")
    csc = make_source("Testshire Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE)
    tyler_police = make_person(police, "Ty", "Barker", date(2014, 7, 14), person_ref="N1")
    tyler = tyler_police.link.person
    # The most recently updated record gives the name shown.
    tyler_csc = make_person(
        csc,
        "Tyler",
        "Barker",
        date(2014, 7, 14),
        person=tyler,
        person_ref="C1",
        nhs_number="9434765919",
        nhs_number_valid=True,
    )
    ruby = make_person(csc, "Ruby", "Barker", date(2016, 12, 2), person_ref="C2")
    open_case = involve(
        tyler_csc,
        "child_protection",
        TODAY - timedelta(days=60),
        status="open",
        lead_practitioner="Jo Allocated",
        team="Safeguarding Team North",
        contact_phone="01632 960555",
        contact_email="jo.allocated@csc.example",
    )
    recent = involve(
        tyler_police,
        "police_attendance",
        TODAY - timedelta(days=30),
        end_date=TODAY - timedelta(days=29),
        status="closed",
        lead_practitioner="PC Ash",
    )
    old = involve(
        tyler_police,
        "missing_episode",
        TODAY - timedelta(days=800),
        end_date=TODAY - timedelta(days=790),
        status="closed",
        lead_practitioner="PC Longago",
    )
    involve(ruby, "child_in_need", TODAY - timedelta(days=10), status="closed", end_date=TODAY)
    address = Address.objects.create(
        key="zz11ab:3:kiln lane", line_1="3 Kiln Lane", town="Testbury", postcode="ZZ1 1AB"
    )
    for involvement in Involvement.objects.all():
        InvolvementAddress.objects.create(involvement=involvement, address=address)
    Relationship.objects.create(
        source=csc,
        person_ref="C1",
        related_person_ref="C2",
        kind="sibling",
        load=Load.objects.get(source=csc),
    )
    return SimpleNamespace(
        police=police,
        csc=csc,
        tyler=tyler,
        ruby=ruby.link.person,
        open_case=open_case,
        recent=recent,
        old=old,
        address=address,
    )


@pytest.fixture
def practitioner(client, family):
    """A MASH worker in children's services, signed in, who has said which case they are working on."""
    user = make_user(Role.PRACTITIONER, agency=family.csc.agency, first_name="Morgan", last_name="Front")
    signed_in_with_factor(client, user)
    client.post(reverse("web:purpose"), {"reference": "MASH-2026-0042", "reason": "mash_triage"})
    return user


def page_text(response) -> str:
    """The page's visible text with its whitespace folded, for assertions that read like the page."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
