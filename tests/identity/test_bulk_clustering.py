"""The full run's clustering in bulk makes the same people as the careful one-link-at-a-time clustering: a
difference would move records between people on the next full run for no reason a reviewer could see."""

import json
from datetime import date

import pytest

from mast.identity.matching.bulk_clustering import cluster_in_bulk
from mast.identity.matching.clustering import cluster
from mast.identity.matching.linkage import Linker, model_row, to_table
from mast.identity.matching.triage import triage
from mast.synth.canonical import partner_records
from mast.synth.region import generate

AS_OF = date(2026, 11, 24)


def people(result) -> list[list]:
    return sorted(sorted(members) for members in result.clusters)


def both(*args, **kwargs):
    return cluster(*args, **kwargs), cluster_in_bulk(*args, **kwargs)


@pytest.mark.parametrize(
    "case",
    [
        # Plain links: the components.
        dict(nodes="abcdef", links=[("a", "b", 0.999), ("b", "c", 0.998), ("e", "f", 0.95)]),
        # A father and a son who cannot be one, and a record matching both about equally: held apart.
        dict(nodes="fsx", links=[("x", "f", 0.999), ("x", "s", 0.998)], cannot_link=[("f", "s")]),
        # The same, but far more like the father: joins him.
        dict(nodes="fsx", links=[("x", "f", 1 - 1e-9), ("x", "s", 0.99)], cannot_link=[("f", "s")]),
        # Two NHS numbers in one chain of links.
        dict(nodes="abc", links=[("a", "b", 0.99), ("b", "c", 0.98)], numbers={"a": "1", "c": "2"}),
        # Dates of birth no slip explains, chained through a record with none; and ones a slip does.
        dict(
            nodes="abcd",
            links=[("a", "b", 0.99), ("b", "c", 0.98), ("c", "d", 0.97)],
            born={"a": "1919-03-04", "c": "1969-03-04", "d": "1996-03-04"},
        ),
        dict(
            nodes="abc",
            links=[("a", "b", 0.99), ("b", "c", 0.98)],
            born={"a": "1969-03-04", "c": "1969-04-03"},
        ),
        # A reviewer's "same person" joins what no link does.
        dict(nodes="abcd", links=[("a", "b", 0.99)], must_link=[("b", "c")], cannot_link=[("a", "d")]),
    ],
)
def test_the_same_people_as_the_careful_clustering_in_the_hard_cases(case):
    careful, bulk = both(
        case["nodes"],
        case["links"],
        case.get("cannot_link", ()),
        case.get("must_link", ()),
        born=case.get("born"),
        numbers=case.get("numbers"),
    )

    assert people(bulk) == people(careful)
    assert sorted(bulk.refused) == sorted(careful.refused)
    assert bulk.ambiguous == careful.ambiguous


@pytest.fixture(scope="module")
def scored_region(tmp_path_factory):
    """A synthetic region's records, their scored pairs, and each pair's explanation built both ways."""
    tmp_path = tmp_path_factory.mktemp("bulk")
    generate(2500, 6, tmp_path / "region", AS_OF)
    records = partner_records(tmp_path / "region", AS_OF)
    linker = Linker(to_table(model_row(r) for r in records.values()), models_dir=tmp_path / "models")
    try:
        pairs = linker.predict()
        explained = [(linker.explain(pair), linker.explain_json(pair)) for pair in pairs]
    finally:
        linker.close()
    return records, pairs, explained


def test_the_same_people_as_the_careful_clustering_on_a_synthetic_region(scored_region):
    records, pairs, _explained = scored_region
    sorted_pairs = triage(pairs, key=str)
    born = {key: r["date_of_birth"].isoformat() for key, r in records.items() if r.get("date_of_birth")}
    numbers = {key: r["nhs_number"] for key, r in records.items() if r.get("nhs_number_valid")}

    careful, bulk = both(records, sorted_pairs.links, sorted_pairs.cannot, born=born, numbers=numbers)

    assert len(careful.clusters) < len(records)  # records were joined into people at all
    assert sorted(careful.refused)  # and some links were refused: the careful path was exercised
    assert people(bulk) == people(careful)
    assert sorted(bulk.refused) == sorted(careful.refused)
    assert bulk.ambiguous == careful.ambiguous


def test_a_links_explanation_as_written_in_bulk_is_the_one_the_person_page_reads(scored_region):
    # A full run writes each link's explanation as JSON text built from pieces; the person page reads it
    # back as the list `explain` makes. A difference would show practitioners other evidence than the model's.
    _records, _pairs, explained = scored_region
    assert len(explained) > 100
    assert len({item["outcome"] for items, _text in explained for item in items}) > 5  # varied levels
    for items, text in explained:
        assert text == json.dumps(items)
