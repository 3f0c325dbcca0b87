"""Matching on a region it was never tuned on: 20,000 people, seed 2611, through `mast link`'s offline
pipeline (the same model, rules, possible matches and clustering as the server; no database, so that a region
this size fits in the suite). `python -m bench identity_quality` reports the same region beside a plain
Splink model; docs/identity.md has the figures.

The floors sit a little below what was measured, so that a change that loses ground fails."""

import logging
from datetime import date

import pytest

from mast.identity.evaluation import evaluate
from mast.identity.offline import link_records
from mast.synth.canonical import partner_records, truth
from mast.synth.region import generate

SEED = 2611  # never used while tuning (tuning used seeds 1, 3 and 4)
AS_OF = date(2026, 11, 24)


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("held-out")
    generate(20_000, SEED, out, AS_OF)
    records = partner_records(out, AS_OF)
    truth_records, people = truth(out)
    logging.getLogger("splink").setLevel(logging.ERROR)
    linked = link_records(records, models_dir=out / "models")
    reasons = {frozenset(key): reason for key, (_pair, reason) in linked.review.items()}
    report = evaluate(
        truth_records, linked.clustering.cluster_of(), [tuple(p) for p in reasons], people, reasons
    )
    print("\n".join(report.lines()))
    return report


def test_no_twin_sibling_or_same_named_parent_and_child_is_linked(held_out):
    assert held_out.wrong_links == {"twins": 0, "siblings": 0, "same_name_parent_child": 0}
    # Each of those classes is big enough for the zero to mean something.
    assert {kind: count >= 200 for kind, count in held_out.pairs_of_kind.items()} == dict.fromkeys(
        held_out.pairs_of_kind, True
    )


def test_automatic_links_are_precise_and_almost_nothing_is_left_without_a_trace(held_out):
    # Measured: precision 100 %, recall 96.89 %, linked or in review 99.49 %.
    assert held_out.precision >= 0.999
    assert held_out.recall >= 0.96
    assert held_out.recall_with_review >= 0.992


def test_every_kind_of_error_is_linked_or_in_review(held_out):
    floors = {
        "nickname": 0.96,  # 97.7 %
        "spelling": 0.98,  # 99.4 %
        "typo": 0.97,  # 98.7 %
        "moved": 0.97,  # 98.5 %
        "date_of_birth_error": 0.95,  # 96.9 %
        "duplicate_within_partner": 0.98,  # 100 %
        "known_by_middle_name": 0.9,  # 92.4 %
        "names_swapped": 0.92,  # 94.5 %
        "two_slips": 0.95,  # 97.2 %
        "date_of_birth_wrong": 0.85,  # 88.5 %
    }
    measured = {case: held_out.positive[case].recall_with_review for case in floors}
    assert {case: measured[case] >= floor for case, floor in floors.items()} == dict.fromkeys(floors, True), (
        measured
    )


def test_possible_matches_say_why_and_most_of_them_are_one_person(held_out):
    from mast.identity import possible

    assert set(held_out.by_reason) <= {
        *possible.REASONS,
        "Scored between the thresholds for linking and not linking",
        "Matches two people who cannot be the same person",
    }
    twins_or_middle = held_out.by_reason[possible.TWINS_OR_MIDDLE_NAME]
    assert twins_or_middle.pairs >= 10
