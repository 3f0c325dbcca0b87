"""A warm linker, brought up to date by deltas, scores exactly as a linker built cold over the same records.

Pure matching (no database): a generated region's records standardised as the record store holds them, a
warm linker built over all but a few, then deltas — new records, changed records, records withdrawn — and a
cold `Linker` over the records as they then are. Every scored pair (ids, probability, weight, veto, evidence),
every name frequency and every known-name flag must be the same.
"""

import logging
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from mast.identity.matching.candidates import PAIRS, TF_VIEW
from mast.identity.matching.linkage import Linker, model_row, to_table
from mast.identity.matching.warm import TF_COLUMNS, WarmLinker
from mast.synth.canonical import partner_records
from mast.synth.region import generate

AS_OF = date(2026, 11, 24)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> pa.Table:
    out = tmp_path_factory.mktemp("warm-region")
    generate(1500, 5, out, AS_OF)
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = [
        dict(model_row(record), unique_id=str(n))
        for n, record in enumerate(partner_records(out, AS_OF).values())
    ]
    return to_table(rows)


def without(table: pa.Table, ids: list[str]) -> pa.Table:
    return table.filter(pc.invert(pc.is_in(table.column("unique_id"), value_set=pa.array(ids, pa.string()))))


def only(table: pa.Table, ids: list[str]) -> pa.Table:
    return table.filter(pc.is_in(table.column("unique_id"), value_set=pa.array(ids, pa.string())))


def renamed(table: pa.Table, given_name: str) -> pa.Table:
    """These rows with another given name, as a partner's correction would be standardised."""
    names = pa.array([given_name] * table.num_rows, pa.string())
    return table.set_column(table.schema.get_field_index("given_name"), "given_name", names)


def scored(linker: Linker, new_ids: list[str]) -> list[tuple]:
    return sorted(tuple(pair) for pair in linker.predict_between(new_ids))


def frequencies(linker: Linker, column: str) -> list[tuple]:
    """The term frequencies `column` is weighed by: for a warm linker, those its scorer reads (kept from the
    counts); for a cold one, the table Splink computed."""
    if isinstance(linker, WarmLinker):
        table = f"{TF_VIEW}{column}"
    else:
        table = linker.linker._intermediate_table_cache[f"__splink__df_tf_{column}"].physical_name
    return sorted(linker.connection.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608


def state(linker: Linker) -> dict:
    records = linker.connection.execute("SELECT * FROM records ORDER BY unique_id").fetchall()
    return {"records": records, **{column: frequencies(linker, column) for column in TF_COLUMNS}}


def test_a_warm_linker_after_deltas_scores_as_a_cold_one_over_the_same_records(region, tmp_path):
    ids = region.column("unique_id").to_pylist()
    new, changed, withdrawn = ids[-60:], ids[100:130], ids[200:215]
    warm = WarmLinker(without(region, new), models_dir=tmp_path / "models")
    # First delta: new records arrive, some are corrected (a rare given name, so its count crosses the
    # known-name threshold), some withdrawn.
    corrected = renamed(only(region, changed), "zebedee")
    warm.apply_delta(changed + withdrawn, pa.concat_tables([corrected, only(region, new)]))
    after = pa.concat_tables([without(region, new + changed + withdrawn), corrected, only(region, new)])
    cold = Linker(after, models_dir=tmp_path / "models")
    try:
        assert warm.count == cold.count == after.num_rows
        assert state(warm) == state(cold)
        pairs = scored(warm, new + changed)
        assert pairs == scored(cold, new + changed)
        # Enough happened for the comparison to mean something: new records found their matches.
        assert sum(pair.decision == "link" for pair in warm.predict_between(new)) >= 10
        # Splink's own predict over every record, after the delta, weighs names as the cold one does.
        assert sorted(map(tuple, warm.predict())) == sorted(map(tuple, cold.predict()))
    finally:
        cold.close()

    # Second delta: the correction withdrawn again (the name falls below the threshold) and one record back.
    warm.apply_delta(changed[:28], only(region, withdrawn[:1]))
    after = pa.concat_tables([without(after, changed[:28]), only(region, withdrawn[:1])])
    cold = Linker(after, models_dir=tmp_path / "models")
    try:
        assert state(warm) == state(cold)
        assert scored(warm, withdrawn[:1] + new[:5]) == scored(cold, withdrawn[:1] + new[:5])
    finally:
        cold.close()
        warm.close()


@pytest.mark.parametrize(
    ("lookup_at_most", "cross_at_most"),
    [(2000, 0), (5, 0), (2000, 10**9)],
    ids=["ids looked up", "ids joined (a large delta)", "every pair of rows tried (a push's few)"],
)
def test_a_delta_finds_by_its_blocking_keys_every_pair_a_full_run_scores_for_it(
    region, tmp_path, monkeypatch, lookup_at_most, cross_at_most
):
    """The candidates a delta's blocking keys find, scored, are the pairs a full run over every record
    scores between the delta and the rest and within the delta: none missing, none extra, the same
    scores — whichever of the model's rules found each pair, whether the delta's records are looked up
    by id or (a large delta) joined, and whether the rules are joined one by one or tried on every pair."""
    monkeypatch.setattr("mast.identity.matching.candidates.LOOKUP_AT_MOST", lookup_at_most)
    monkeypatch.setattr("mast.identity.matching.warm.LOOKUP_AT_MOST", lookup_at_most)
    monkeypatch.setattr("mast.identity.matching.candidates.CROSS_AT_MOST", cross_at_most)
    ids = region.column("unique_id").to_pylist()
    delta = set(ids[::7])
    warm = WarmLinker(region, models_dir=tmp_path / "models")
    try:
        found = {
            (frozenset((p.left, p.right)), p.probability, p.match_weight, p.evidence)
            for p in warm.predict_between(sorted(delta))
        }
        full = {
            (frozenset((p.left, p.right)), p.probability, p.match_weight, p.evidence)
            for p in warm.predict()
            if p.left in delta or p.right in delta
        }
        assert found == full
        assert len(found) > len(delta)  # enough pairs for the comparison to mean something
        # And changed by a delta through the same path: the delta's records withdrawn and back again.
        back = only(region, sorted(delta))
        warm.apply_delta(sorted(delta), back)
        assert {
            (frozenset((p.left, p.right)), p.probability, p.match_weight, p.evidence)
            for p in warm.predict_between(sorted(delta))
        } == full
        warm.scorer.between(sorted(delta))
        rules = warm.connection.execute(f"SELECT count(DISTINCT match_key) FROM {PAIRS}").fetchall()  # noqa: S608
        assert rules[0][0] >= 10  # most of the model's rules found some pair first
    finally:
        warm.close()
