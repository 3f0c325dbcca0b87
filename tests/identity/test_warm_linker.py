"""Matching a load with the process's warm linker gives the people, links and possible matches that a linker
built cold gives — and the warm one is not trusted once the model or the store changed under it."""

from collections import defaultdict
from datetime import date

import pytest
from django.db import transaction

from mast.feeds.plan import PERSON_FIELDS
from mast.identity import warm_linker
from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.models import MatchCandidate, PersonLink
from mast.identity.resolution import resolve_records
from mast.synth.canonical import partner_records
from mast.synth.region import generate
from tests.factories.identity import identity_state_in_tmp, make_record, make_source, tasks_run_at_once

pytestmark = pytest.mark.django_db
__all__ = ["identity_state_in_tmp", "tasks_run_at_once"]
AS_OF = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def no_warm_linker_from_another_test():
    warm_linker.forget()
    yield
    warm_linker.forget()


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("warm-linker-region")
    generate(400, 7, out, AS_OF)
    return list(partner_records(out, AS_OF).values())


def made(records: list[dict], sources: dict) -> list[int]:
    return [
        make_record(
            sources[r["source"]], r["record_id"], **{f: r[f] for f in PERSON_FIELDS if r.get(f) is not None}
        ).pk
        for r in records
    ]


def outcome() -> dict:
    """What practitioners and feed owners see: who is one person, how each record was linked, what is in
    doubt."""
    people = defaultdict(set)
    links = {}
    for record, person, method, probability in PersonLink.objects.values_list(
        "partner_record_id", "person_id", "method", "match_probability"
    ):
        people[person].add(record)
        links[record] = (method, None if probability is None else round(probability, 9))
    candidates = {
        (a, b): (reason, round(probability, 9))
        for a, b, reason, probability in MatchCandidate.objects.filter(
            status=MatchCandidate.Status.OPEN
        ).values_list("record_a_id", "record_b_id", "reason", "match_probability")
    }
    return {"people": {frozenset(m) for m in people.values()}, "links": links, "candidates": candidates}


def test_a_load_matched_warm_gives_what_a_cold_start_gives(region):
    sources = {code: make_source(code) for code in sorted({r["source"] for r in region})}
    resolve_records(made(region[:-40], sources))  # built cold, and kept warm
    arriving = made(region[-40:], sources)

    with transaction.atomic():
        warm = resolve_records(arriving)
        seen_warm = outcome()
        transaction.set_rollback(True)
    warm_linker.forget()
    cold = resolve_records(arriving)

    assert "warm_linker" in warm.seconds and "linker_setup" not in warm.seconds
    assert "linker_setup" in cold.seconds
    assert outcome() == seen_warm
    # The new records met people already known: the comparison is of real matching, not of strangers.
    assert cold.records > len(arriving)


def test_a_new_model_or_a_store_replaced_by_another_process_means_a_cold_start(region, tmp_path):
    sources = {code: make_source(code) for code in sorted({r["source"] for r in region})}
    resolve_records(made(region[:100], sources))
    assert "warm_linker" in resolve_records(made(region[100:101], sources)).seconds

    # A retrain writes a new model version: the warm linker was built with the old one.
    fs_model.save_model(fs_model.starter_model().settings, tmp_path / "identity-models")
    assert "linker_setup" in resolve_records(made(region[101:102], sources)).seconds
    assert "warm_linker" in resolve_records(made(region[102:103], sources)).seconds

    # Another process rewrote the store (its file is not the one this process wrote).
    store = tmp_path / "records.arrow"
    store.write_bytes(store.read_bytes())
    assert "linker_setup" in resolve_records(made(region[103:104], sources)).seconds
