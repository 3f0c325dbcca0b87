"""A small synthetic region for the analysts' figures: three agencies and sixty people with involvements over
three years, and the truth the figures are checked against."""

import random
from datetime import date, timedelta

import pytest

from mast.analytics import facts
from mast.feeds.models import Involvement
from mast.identity.models import Person, PersonLink
from tests.factories.identity import make_record, make_source

TODAY = date(2026, 11, 15)
DISTRICTS = ("ZZ1", "ZZ2")


@pytest.fixture
def region():
    """Three agencies; 60 people, each known to one, two or three of them, with involvements scattered over
    the last three years, some still open, in two postcode districts."""
    rng = random.Random(20)
    sources = [make_source(f"Testshire {name}") for name in ("Police", "Children's Services", "Health")]
    categories = {0: "police_attendance", 1: "csc_contact", 2: "health_visiting"}
    truth = []  # (person, agency_id, category, start, end_or_None, status, district, sex)
    for n in range(60):
        person = Person.objects.create()
        district = DISTRICTS[n % 2]
        sex = ("female", "male")[n % 3 == 0]
        for k in sorted(rng.sample(range(3), rng.choice((1, 1, 2, 3)))):
            record = make_record(
                sources[k], postcode=f"{district} {n % 9}AB", sex=sex, date_of_birth=date(2015, 1, 1)
            )
            PersonLink.objects.create(partner_record=record, person=person, method=PersonLink.Method.MODEL)
            for _ in range(rng.choice((1, 2))):
                start = TODAY - timedelta(days=rng.randrange(0, 1000))
                open_case = rng.random() < 0.3
                end = None if open_case else start + timedelta(days=rng.randrange(0, 200))
                Involvement.objects.create(
                    source=sources[k], record_id=f"I{n}-{k}-{rng.random()}", partner_record=record,
                    involvement_type="X", category=categories[k], start_date=start, end_date=end,
                    status="open" if open_case else "closed", content_hash="0" * 64,
                    first_load=record.first_load, changed_load=record.first_load,
                )  # fmt: skip
                truth.append((person.pk, sources[k].agency_id, categories[k], start, end, district, sex))
    facts.refresh(TODAY)
    return {"sources": sources, "truth": truth}
