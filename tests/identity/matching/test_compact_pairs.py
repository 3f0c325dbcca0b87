"""A full run holds its scored pairs compactly (equal values shared, `linkage._pairs_of`); that must never
change a pair. A changed weight or a lost minus sign would change the explanation a practitioner reads on
the person page, or a link itself."""

from datetime import date

import pyarrow as pa
import pytest

from mast.identity.matching.linkage import KEEP_FROM, Linker, _pairs_of, model_row, to_table
from mast.synth.canonical import partner_records
from mast.synth.region import generate

AS_OF = date(2026, 11, 24)


def one_by_one(scored: pa.Table) -> list:
    """The pairs as made before they were held compactly: every value its own Python object."""
    return Linker._pairs_from(zip(*(column.to_pylist() for column in scored.columns), strict=True))


def test_awkward_values_come_out_as_they_went_in_across_batches():
    rows = 250_001  # past two batches, so values alike in different batches are compared too
    weights = [0.0, -0.0, None, float("nan"), 1.25, -3.5, float("inf"), 0.1 + 0.2]
    pick = lambda i, k: weights[(i * k) % len(weights)]  # noqa: E731
    scored = pa.table(
        {
            "unique_id_l": pa.array([str(i % 9_973) for i in range(rows)]),
            "unique_id_r": pa.array([str(i % 7_919) for i in range(rows)]),
            "match_probability": pa.array([0.5 + (i % 5) / 10 for i in range(rows)]),
            "match_weight": pa.array([pick(i, 3) for i in range(rows)], pa.float64()),
            "veto": pa.array(["", "different given names", ""][i % 3] for i in range(rows)),
            "nhs": pa.array([i % 4 == 0 for i in range(rows)]),
            "via_middle": pa.array([i % 7 == 0 for i in range(rows)]),
            "possible": pa.array(["", "", "", "a parent and child"][i % 4] for i in range(rows)),
            # Rows 8m and 8m + 1 alike but for the sign of every weight's zero.
            **{f"gamma_{k}": pa.array([(i // 8 + k) % 4 - 1 for i in range(rows)]) for k in range(6)},
            **{f"mw_{k}": pa.array([pick(i, 1) for i in range(rows)], pa.float64()) for k in range(6)},
        }
    )

    compact, expected = _pairs_of(scored), one_by_one(scored)

    # repr tells 0.0 from -0.0 and shows nan and None: equal text, equal pairs.
    assert len(compact) == rows
    assert repr(compact) == repr(expected)
    # And they are held compactly: one evidence tuple per pattern in a batch, not one per pair.
    assert len({id(pair.evidence) for pair in compact}) < rows / 100


@pytest.fixture(scope="module")
def region_scores(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("compact")
    generate(2500, 7, tmp_path / "region", AS_OF)
    records = partner_records(tmp_path / "region", AS_OF)
    linker = Linker(to_table(model_row(r) for r in records.values()), models_dir=tmp_path / "models")
    try:
        predictions = linker.linker.inference.predict(threshold_match_probability=KEEP_FROM)
        scored = linker.connection.sql(linker._pairs_sql(predictions.physical_name)).to_arrow_table()
        compact, expected = _pairs_of(scored), one_by_one(scored)
        explanations = [
            (linker.explain_json(a), linker.explain_json(b)) for a, b in zip(compact, expected, strict=True)
        ]
    finally:
        linker.close()
    return compact, expected, explanations


def test_a_regions_pairs_and_explanations_are_the_same_held_compactly(region_scores):
    compact, expected, explanations = region_scores
    assert len(compact) > 1_000
    assert repr(compact) == repr(expected)
    assert all(a == b for a, b in explanations)
    # One tuple per distinct evidence (one batch here), and a comparison's weight seen twice is one float.
    assert len({id(pair.evidence) for pair in compact}) == len({repr(pair.evidence) for pair in compact})
    for column in range(6, 12):
        weights = [pair.evidence[column] for pair in compact]
        assert len({id(w) for w in weights}) == len({repr(w) for w in weights}) < len(weights) / 2
