"""What the bulk writer is given ready-made (random public ids, JSON text) is stored as the ORM stores it."""

import uuid

import pytest
from django.utils import timezone

from mast.feeds.bulk import JsonText, insert_rows, random_uuid_hex, update_rows
from mast.identity.models import MatchCandidate, Person
from tests.factories.identity import make_candidate, make_record, make_source

pytestmark = pytest.mark.django_db


def test_public_ids_made_in_bulk_are_random_version_4_uuids():
    made = random_uuid_hex(5000)
    ids = [uuid.UUID(hex=value) for value in made]
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in ids)
    assert len(set(made)) == 5000  # 122 random bits each: no two alike
    assert set(random_uuid_hex(5000)).isdisjoint(made)  # and nothing repeats from one call to the next


def test_people_written_with_bulk_ids_are_found_by_their_public_id():
    now = timezone.now()
    made = random_uuid_hex(3)
    insert_rows(
        Person, ("public_id", "status", "created_at", "updated_at"), [(m, "active", now, now) for m in made]
    )
    for value in made:
        assert Person.objects.get(public_id=uuid.UUID(hex=value)).status == Person.Status.ACTIVE


def test_json_text_is_stored_as_the_json_it_holds_not_as_a_string():
    source = make_source()
    a, b = make_record(source), make_record(source)
    candidate = make_candidate(a, b)
    evidence = [{"comparison": "given_name", "outcome": "Exact match", "weight": 3.25}]
    update_rows(MatchCandidate, ("explanation",), [(JsonText('[{"comparison": "given_name", '
                '"outcome": "Exact match", "weight": 3.25}]'), candidate.pk)])  # fmt: skip
    candidate.refresh_from_db()
    assert candidate.explanation == evidence

    now = timezone.now()
    insert_rows(
        MatchCandidate,
        ("record_a", "record_b", "match_probability", "match_weight", "explanation", "reason", "status",
         "model_version", "created_at", "updated_at"),
        [(b.pk, a.pk, 0.7, 1.0, JsonText('[{"weight": 1.5}]'), "review", "open", "v1", now, now)],
    )  # fmt: skip
    assert MatchCandidate.objects.get(record_a=b, record_b=a).explanation == [{"weight": 1.5}]
