"""Matching measured against the synthetic region's truth, through the real pipeline: files loaded as partners
send them, then identity resolution over the database."""

import csv

import pytest

from mast.feeds.models import PartnerRecord
from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching.evaluation import TruthRecord, evaluate
from mast.identity.models import IdentityEvent, MatchCandidate, Person, PersonLink
from mast.identity.resolution import resolve_all
from mast.ingest.intake import ingest_file
from mast.synth.demo import ensure_partners
from mast.synth.region import generate
from tests.synth.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_region(tmp_path, monkeypatch):
    monkeypatch.setattr("mast.feeds.services.archive_dir", lambda: tmp_path / "archive")
    monkeypatch.setattr("mast.identity.model_files.models_dir", lambda: tmp_path / "models")
    monkeypatch.setattr("mast.identity.record_store.store_path", lambda: tmp_path / "records.arrow")
    # Train on the region itself, as a deployment does, rather than use the starter model.
    monkeypatch.setattr(fs_model, "MIN_TRAINING_RECORDS", 1000)
    out = tmp_path / "region"
    manifest = generate(5000, 1, out, AS_OF)
    for source in ensure_partners():
        ingest_file(source, out / manifest["sources"][source.code]["file"])
    return out


def report_for(out):
    with (out / "truth" / "records.csv").open(encoding="utf-8") as handle:
        truth = {
            (r["source"], r["person_ref"]): TruthRecord(
                r["person_id"], r["source"], frozenset(r["tags"].split(";"))
            )
            for r in csv.DictReader(handle)
        }
    with (out / "truth" / "people.csv").open(encoding="utf-8") as handle:
        people = {r["person_id"]: r for r in csv.DictReader(handle)}
    key_of = {
        pk: (code, ref)
        for pk, code, ref in PartnerRecord.objects.values_list("pk", "source__code", "person_ref")
    }
    cluster_of = {key_of[r]: p for r, p in PersonLink.objects.values_list("partner_record_id", "person_id")}
    review = [
        (key_of[a], key_of[b])
        for a, b in MatchCandidate.objects.filter(status="open").values_list("record_a_id", "record_b_id")
    ]
    return evaluate(truth, cluster_of, review, people)


def test_matching_on_the_synthetic_region_is_precise_and_keeps_families_apart(loaded_region, record_property):
    summary = resolve_all(retrain=True)
    report = report_for(loaded_region)
    # Shown with `pytest -s` (and on failure); kept as properties in a JUnit report.
    print("\n".join(report.lines()))
    record_property("precision", round(report.precision, 6))
    record_property("recall", round(report.recall, 6))
    record_property("review_share", round(report.review_share, 6))
    for case, score in report.positive.items():
        record_property(f"recall_{case}", round(score.recall, 4))
    for case, wrong in report.wrong_links.items():
        record_property(f"wrong_links_{case}", wrong)

    assert summary.model_version == "v2"  # the incremental loads trained v1; --retrain made v2
    # Measured on this region (5,000 people, seed 1): precision 100 %, recall 97.3 %, linked or in review
    # 99.4 % (2.1 % of true pairs in review: possible matches, see identity/matching/possible.py). The floors
    # sit a little below, so a change that loses ground fails; tests/identity/test_held_out.py holds the
    # larger region's, for every kind of error.
    assert report.precision >= 0.999
    assert report.recall >= 0.96
    assert report.recall_with_review >= 0.99
    assert report.review_share < 0.04
    # No twins or siblings merged, each zero standing on at least 50 pairs (70 and 1,813 here). Same-named
    # parents and children are 30 here, too few for a zero to mean much: tests/identity/test_held_out.py
    # holds them to zero on over 200.
    assert (report.wrong_links["twins"], report.wrong_links["siblings"]) == (0, 0)
    assert report.pairs_of_kind["twins"] >= 50 and report.pairs_of_kind["siblings"] >= 50
    # Linked or in review, for the kinds with enough pairs here to measure.
    floors = {
        "nickname": 0.97,  # 100 %
        "spelling": 0.97,  # 100 %
        "typo": 0.94,  # 96.0 %
        "moved": 0.94,  # 97.2 %
        "date_of_birth_error": 0.93,  # 95.1 %
        "duplicate_within_partner": 0.96,  # 98.0 %
        "known_by_middle_name": 0.84,  # 88.5 %
        "two_slips": 0.88,  # 91.9 %
    }
    measured = {case: report.positive[case].recall_with_review for case in floors}
    assert {case: measured[case] >= floor for case, floor in floors.items()} == dict.fromkeys(floors, True), (
        measured
    )


def test_people_keep_their_ids_when_matching_is_run_again(loaded_region):
    resolve_all()
    before = dict(PersonLink.objects.values_list("partner_record_id", "person__public_id"))
    events = IdentityEvent.objects.count()

    summary = resolve_all()

    assert summary.links_changed == 0 and summary.people_created == 0
    assert dict(PersonLink.objects.values_list("partner_record_id", "person__public_id")) == before
    assert IdentityEvent.objects.count() == events
    assert Person.objects.filter(status="active", links__isnull=False).distinct().count() == len(
        set(before.values())
    )
