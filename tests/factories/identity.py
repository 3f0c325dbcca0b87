"""Partner records, pairs under review and people for identity's tests, built directly with the ORM (no
load, no matching run), and the fixtures a test that matches or decides needs.

Import the fixtures into a test module (and name them in its `__all__`) to use them there: they are
autouse, so every test of that module gets them.
"""

from datetime import date
from itertools import count

import pytest

from mast.feeds.models import Involvement, Load, PartnerRecord, Source
from mast.identity.models import MatchCandidate, PersonLink
from tests.factories.access import make_agency
from tests.factories.linking import STRANGERS

_serial = count(1)

# A synthetic person (invented name and address); every field the matcher compares is filled in.
ADA = {
    "given_name": "Adaline",
    "family_name": "Quillfeather",
    "date_of_birth": date(1990, 5, 17),
    "date_of_birth_raw": "17/05/1990",
    "sex": "female",
    "address_line_1": "12 Mill Lane",
    "town": "Testbury",
    "postcode": "ZZ1 2CD",
}
EXPLANATION = [
    {"comparison": "given_name", "outcome": "Exact match", "weight": 7.24},
    {"comparison": "date_of_birth", "outcome": "Different", "weight": -5.51},
    {"comparison": "sex", "outcome": "missing", "weight": 0.0},
]


@pytest.fixture(autouse=True)
def identity_state_in_tmp(tmp_path, monkeypatch):
    """The matcher's model and record store go to a temporary directory, never the checkout's var/."""
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "identity-models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """A decision's re-run of matching is a background task; here it runs when queued, so a test reads the
    result at once. tests/web/test_review.py checks that it is queued, not run, in the web request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_source(name: str | None = None) -> Source:
    n = next(_serial)
    agency = make_agency(name or f"Testshire Partner {n}")
    return Source.objects.create(
        code=f"review-test-{n}", name=agency.name, agency=agency, mapping="test-partner"
    )


def make_record(source: Source, person_ref: str | None = None, *, involvements=(), **fields) -> PartnerRecord:
    load = Load.objects.filter(source=source).first() or Load.objects.create(
        source=source, file_name="feed.csv", sha256="0" * 64, status=Load.Status.LOADED
    )
    values = {**ADA, **fields}
    record = PartnerRecord.objects.create(
        source=source,
        person_ref=person_ref or f"P{next(_serial)}",
        content_hash=f"{next(_serial):064d}",
        first_load=load,
        changed_load=load,
        **values,
    )
    for category, started in involvements:
        Involvement.objects.create(
            source=source,
            record_id=f"I{next(_serial)}",
            partner_record=record,
            involvement_type=category.upper(),
            category=category,
            start_date=started,
            content_hash="0" * 64,
            first_load=load,
            changed_load=load,
        )
    return record


def make_strangers(source: Source) -> list[PartnerRecord]:
    """A few unrelated people, so that the names of the records under test are not the only names known."""
    people = [
        ("Bramwell", "Oakhurst", date(1971, 2, 3), "male", "3 Ash Road", "ZZ9 1AA"),
        ("Corisande", "Pennywhistle", date(2012, 11, 30), "female", "40 Elm Way", "ZZ8 4BB"),
        ("Dashiell", "Marrowby", date(1984, 7, 9), "male", "7 Yew Close", "ZZ7 6CC"),
        ("Elowen", "Thistledown", date(1999, 1, 21), "female", "9 Oak Court", "ZZ6 2DD"),
    ]
    return [
        make_record(
            source,
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            date_of_birth_raw=f"{dob:%d/%m/%Y}",
            sex=sex,
            address_line_1=line_1,
            postcode=postcode,
        )
        for given, family, dob, sex, line_1, postcode in people
    ]


def make_linking_strangers(source: Source) -> list[PartnerRecord]:
    """The offline linking tests' strangers (tests/factories/linking.py) as stored records, so that a server
    test weighs names as `mast link` does in those tests."""
    return [
        make_record(
            source,
            given_name=given,
            family_name=family,
            date_of_birth=date.fromisoformat(born),
            date_of_birth_raw=born,
            address_line_1=line_1,
            postcode=postcode,
        )
        for given, family, born, line_1, postcode in STRANGERS
    ]


def make_candidate(a: PartnerRecord, b: PartnerRecord, probability: float = 0.8, **fields) -> MatchCandidate:
    first, second = sorted((a, b), key=lambda r: r.pk)
    fields.setdefault("explanation", EXPLANATION)
    fields.setdefault("reason", "Scored between the thresholds for linking and not linking")
    # Matching may already have opened this pair as a possible match (same surname, birthday and address):
    # the test's own figures replace the model's.
    candidate, _ = MatchCandidate.objects.update_or_create(
        record_a=first,
        record_b=second,
        defaults={
            "match_probability": probability,
            "match_weight": fields.pop("match_weight", 1.7),
            "model_version": "test",
            **fields,
        },
    )
    return candidate


def person_of(record: PartnerRecord):
    return PersonLink.objects.get(partner_record=record).person_id
