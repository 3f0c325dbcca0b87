"""Scoring pairs of partner records with the model, and MAST's rules on top of the scores.

This module knows nothing of Django: `mast link` uses it on files, the identity services on the database.
Records go in as dicts of standardised fields (see standardise.py); scored pairs come out, each with its
decision — linked, sent to review, or not linked — and the evidence behind it.

The rules on top of Fellegi-Sunter are few and stated plainly, because scores alone cannot tell twins apart:
twins share surname, address and date of birth, and those agreements outweigh different given names. So a pair
is never linked automatically when two valid NHS numbers differ, when the given names are different names (not
a nickname, variant, middle name, swap with the family name or typo of each other), when the dates of birth
are different beyond a transposition or a keyed digit, or when both records give different middle names. A
valid NHS number agreeing is decisive. A vetoed pair shaped like a relative is not dropped but becomes a
possible match for a person to decide (possible.py): the decisions are link, review, possible and not linked.
"""

import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching import possible
from mast.identity.matching.engine_settings import duckdb_config
from mast.identity.matching.standardise import model_columns

# Above LINK_AT a pair is linked; from REVIEW_FROM up to LINK_AT it goes to a person to decide. Chosen on two
# 20,000-person synthetic regions (seeds 3 and 4): of the pairs without a veto scoring 0.9 to 0.95 all 4 were
# true, of those from 0.8 to 0.9 7 were true and 3 wrong (same-named relatives, one without a date of birth).
# The accuracy test checks the choice on another region (seed 1).
LINK_AT = 0.9
REVIEW_FROM = 0.3
# A given name held by at least this many records counts as a known name (see `Linker`).
REAL_NAME_COUNT = 3
# Pairs scored below this are not kept at all; vetoed pairs above it are kept as cannot-link constraints.
KEEP_FROM = 0.01
# In this order: the first that applies is the reason given. Different given names come last because they are
# the one veto a third record can explain (see `explain_vetoes`).
VETOES = {
    "nhs_number": possible.NHS_VETO,
    "date_of_birth": possible.DOB_VETO,
    "given_name": possible.GIVEN_VETO,
}
NAMES_VETO = VETOES["given_name"]
# Both records give a middle name, and they are different names (not one slip apart, neither the other's
# initial): twins, or a father and son both called David, are told apart by them when everything else agrees.
# Last, so that a different given name or date of birth is the reason given when there is one.
MIDDLE_NAMES_DIFFER = (
    '("middle_name_l" IS NOT NULL AND "middle_name_r" IS NOT NULL'
    ' AND damerau_levenshtein("middle_name_l", "middle_name_r") > 1'
    ' AND substr("middle_name_l", 1, 1) || length("middle_name_l") <> substr("middle_name_r", 1, 1) || \'1\''
    ' AND substr("middle_name_r", 1, 1) || length("middle_name_r") <> substr("middle_name_l", 1, 1) || \'1\')'
)
MIDDLE_NAME_LEVEL = "One record's given name is the other's middle name"

Progress = Callable[[str], None]


class ScoredPair(NamedTuple):
    """One scored pair. A named tuple, not a dataclass: a full run makes millions of them."""

    left: object
    right: object
    probability: float
    match_weight: float
    veto: str
    nhs_agrees: bool
    # Per comparison, in the model's order: the level found (gamma), then the match weights in bits.
    evidence: tuple
    # The given names agree only because one record's given name is the other's middle name.
    via_middle_name: bool = False
    # Different given names, explained by a third record that holds both (see `explain_vetoes`): no veto,
    # but no link either.
    explained: bool = False
    # Why the pair is a possible match (possible.py), or "": never linked automatically, never dropped.
    possible: str = ""

    @property
    def decision(self) -> str:
        if self.nhs_agrees:
            return "link"
        if self.possible in possible.HOLD_LINK:
            return "possible"
        if self.veto or self.explained:
            return "possible" if self.possible else "not_linked"
        if self.probability >= LINK_AT:
            return "link"
        if self.probability >= REVIEW_FROM:
            return "review"
        return "possible" if self.possible else "not_linked"


def explain_vetoes(pairs: list[ScoredPair]) -> list[ScoredPair]:
    """The pairs, with the given-names veto lifted where a third record explains the difference.

    Someone known by their middle name ("Jayden" to the police, who record no middle names) and by their
    given name elsewhere ("Clifford") has records whose given names are different names. A third record that
    holds both ("Clifford Jayden"), and links to each of the two on its own evidence — one of them through
    the middle name — explains the difference: the two may then be one person through it. The pair itself is
    still not linked (it carries no veto, and is `explained`), so the third record is what joins them, and
    only if the clustering keeps it. Different dates of birth or NHS numbers are never explained away: they
    are what keep twins and a parent and child apart.
    """
    linked: dict[object, dict[object, bool]] = {}
    vetoed = False
    for pair in pairs:
        if pair.veto == NAMES_VETO and not pair.nhs_agrees:
            vetoed = True
        elif pair.decision == "link":
            linked.setdefault(pair.left, {})[pair.right] = pair.via_middle_name
            linked.setdefault(pair.right, {})[pair.left] = pair.via_middle_name
    if not vetoed:
        return pairs
    explained = []
    for pair in pairs:
        if pair.veto == NAMES_VETO and not pair.nhs_agrees:
            left, right = linked.get(pair.left, {}), linked.get(pair.right, {})
            if any(left[c] or right[c] for c in left.keys() & right.keys()):
                pair = pair._replace(veto="", explained=True)
        explained.append(pair)
    return explained


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def model_row(record: dict) -> dict:
    """The standardised record reduced to the columns the model compares (see `standardise.model_columns`)."""
    row = {"unique_id": record["record_id"], "source": record.get("source") or ""}
    row.update(model_columns(record))
    return row


SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("source", pa.string()),
        ("given_name", pa.string()),
        ("given_name_known", pa.bool_()),
        ("given_name_stem", pa.string()),
        ("middle_name", pa.string()),
        ("given_name_groups", pa.list_(pa.string())),
        ("given_name_dm", pa.string()),
        ("family_name", pa.string()),
        ("family_names", pa.list_(pa.string())),
        ("family_name_dm", pa.string()),
        ("dob", pa.string()),
        ("birth_year", pa.int32()),
        ("sex", pa.string()),
        ("nhs_number", pa.string()),
        ("postcode", pa.string()),
        ("postcode_sector", pa.string()),
        ("outcode", pa.string()),
        ("house_number", pa.string()),
        ("street", pa.string()),
        ("address_key", pa.string()),
    ]
)


def to_table(rows: Iterable[dict]) -> pa.Table:
    rows = list(rows)
    for row in rows:
        row["unique_id"] = str(row["unique_id"])
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def _pairs_of(scored: pa.Table) -> list[ScoredPair]:
    """ScoredPairs from the columns `Linker._pairs_sql` selects, a batch at a time: the Python values of
    every column of a million rows at once, beside the pairs made of them, would be the full run's peak of
    memory.

    The pairs are held through clustering and persisting, a million or two of them at a million records, so
    equal values are one Python object, not one per pair: a record's id is one string however many pairs it
    is in, and the evidence (six levels and six weights) is one tuple per distinct pattern in a batch — a
    few thousand, as only names' frequencies vary the weights. Values are told apart as Arrow tells them
    (bit for bit: 0.0 and -0.0 stay two), so every pair has the values it would have had; the test
    `tests/identity/matching/test_compact_pairs.py` holds that to account."""
    pairs: list[ScoredPair] = []
    for batch in scored.to_batches(max_chunksize=100_000):
        if not batch.num_rows:
            continue
        encoded = [_encoded(column) for column in batch.columns]
        head = [_shared(values, indices) for values, indices in encoded[:8]]
        evidence = _shared_rows(encoded[8:], batch.num_rows)
        pairs += [
            ScoredPair(a, b, p, w, veto, nhs, e, middle, False, maybe)
            for a, b, p, w, veto, nhs, middle, maybe, e in zip(*head, evidence, strict=True)
        ]
    return pairs


def _encoded(column: pa.Array) -> tuple[list, np.ndarray]:
    """A column as its distinct Python values and, per row, the index of its value among them."""
    encoded = pc.dictionary_encode(column, null_encoding="encode")
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False)


def _shared(values: list, indices: np.ndarray) -> list:
    """Per row, its value: the same object for every row with the same value."""
    return [values[i] for i in indices.tolist()]


def _shared_rows(columns: list[tuple[list, np.ndarray]], count: int) -> list[tuple]:
    """Per row, the tuple of its values in these columns: one tuple for all rows alike."""
    if not columns:
        return [()] * count
    indices = np.ascontiguousarray(np.column_stack([i for _v, i in columns]).astype(np.int64))
    # Each row's indices as one opaque value: np.unique over those is ten times its unique over rows.
    rows = indices.view(np.dtype((np.void, indices.itemsize * len(columns)))).ravel()
    _unique, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    patterns = indices[first]
    tuples = list(
        zip(*(_shared(values, patterns[:, j]) for j, (values, _i) in enumerate(columns)), strict=True)
    )
    return [tuples[i] for i in inverse.reshape(-1).tolist()]


class Linker:
    """One DuckDB session holding standardised records and the model; scores pairs on request."""

    def __init__(
        self, table: pa.Table, *, models_dir: Path, retrain: bool = False, progress: Progress | None = None
    ):
        # Splink is imported here: it is heavy, and only matching needs it.
        from splink import DuckDBAPI

        self.progress = progress or (lambda message: None)
        self.timings = Timings()
        # Memory, threads and spill folder as configured (engine_settings): a full run spills, not fails.
        self.connection = duckdb.connect(config=duckdb_config())
        self.connection.register("records_arrow", table)
        self.connection.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
        self.connection.unregister("records_arrow")
        # A given name several records share is a real name, not a slip, even if no name list has it (Karl
        # and Mark are two slips apart and are two men's names).
        self.connection.execute(
            "UPDATE records SET given_name_known = true WHERE given_name IN "
            "(SELECT given_name FROM records GROUP BY given_name HAVING count(*) >= ?)",
            [REAL_NAME_COUNT],
        )
        self.db_api = DuckDBAPI(connection=self.connection)
        self.records = self.db_api.register("records", table_name="mast_records")
        self.count = table.num_rows
        self._use_model(models_dir, retrain)

    def _use_model(self, models_dir: Path, retrain: bool) -> None:
        """The latest saved model (trained on these records when there is none, or on asking; the starter
        model when they are too few to train on), with Splink's linker over the records and the name
        frequencies. Shared by the engines: only `_train` and `_linker` differ."""
        saved = None if retrain else fs_model.latest_model(models_dir)
        if saved is None:
            if self.count >= fs_model.MIN_TRAINING_RECORDS:
                saved = self._train(models_dir)
            else:
                self.progress(f"{self.count:,} records are too few to train on: using the starter model")
                saved = fs_model.starter_model()
        self.model = saved
        self.labels = saved.level_labels()
        self.comparisons = [c["output_column_name"] for c in saved.settings["comparisons"]]
        # `explain_json`'s text of each comparison and outcome, made once per model.
        self._explain_heads: dict[tuple[int, object], str] = {}
        self.linker = self._linker(saved.settings)
        # Name frequencies come from all the records: incremental scoring weighs "Smith" as a full run does.
        for column in ("given_name", "family_name"):
            self.linker.table_management.compute_tf_table(column)

    def _linker(self, settings: dict):
        from splink import Linker as SplinkLinker

        return SplinkLinker(self.records, settings, log_level=logging.WARNING)

    def _train(self, models_dir: Path) -> fs_model.SavedModel:
        started = time.perf_counter()
        self.progress(f"training the model on {self.count:,} records")
        linker = self._linker(fs_model.base_settings())
        training = linker.training
        training.estimate_probability_two_random_records_match(
            fs_model.PRIOR_RULES, recall=fs_model.PRIOR_RECALL
        )
        training.estimate_u_using_random_sampling(max_pairs=min(2e6, max(1e5, self.count * 20)), seed=1)
        for block in fs_model.TRAINING_BLOCKS:
            # A sample of a million pairs per session estimates the m values as well as all of them would,
            # and keeps training on a million records to seconds rather than many minutes.
            training.estimate_parameters_using_expectation_maximisation(
                block, estimate_without_term_frequencies=True, max_pairs=1e6
            )
        settings = fs_model.tidy_trained(linker.misc.save_model_to_json())
        saved = fs_model.save_model(settings, models_dir)
        self.timings.add("train", started)
        return saved

    # -- scoring -------------------------------------------------------------------------------------

    def predict(self) -> list[ScoredPair]:
        """Every pair the blocking rules bring together, scored, above the keeping threshold."""
        started = time.perf_counter()
        self.progress(f"scoring candidate pairs among {self.count:,} records")
        predictions = self.linker.inference.predict(
            threshold_match_probability=KEEP_FROM, warning_mode="never"
        )
        # A full run's millions of pairs: taken out of DuckDB as compact Arrow columns and DuckDB's table of
        # them dropped before they become Python objects, so the two are never held in full together.
        scored = self.connection.sql(self._pairs_sql(predictions.physical_name)).to_arrow_table()
        predictions.drop_table_from_database_and_remove_from_cache()
        pairs = explain_vetoes(_pairs_of(scored))
        del scored
        self.timings.add("predict", started)
        return pairs

    def predict_between(self, new_ids: list[str]) -> list[ScoredPair]:
        """Pairs between new records and all the others, and among the new: what an incremental load needs."""
        started = time.perf_counter()
        new = self._subset("mast_new", new_ids)
        existing = self._subset("mast_existing", new_ids, complement=True)
        inference = self.linker.inference
        pairs = self._pairs(
            inference.predict_between(
                new, existing, threshold_match_probability=KEEP_FROM, warning_mode="never"
            ).physical_name
        )
        pairs += self.predict_within(new_ids, subset=new)
        self.timings.add("predict", started)
        return pairs

    def predict_within(self, ids: list[str], subset=None) -> list[ScoredPair]:
        """Pairs among these records only: re-scoring the people a load touched."""
        subset = subset or self._subset("mast_scope", ids)
        within = self.linker.inference.predict_within(
            subset, threshold_match_probability=KEEP_FROM, warning_mode="never"
        )
        return explain_vetoes(self._pairs(within.physical_name))

    def _subset(self, name: str, ids: list[str], *, complement: bool = False):
        # `name` is one of this module's own table names, never user input; the ids go in as a table.
        ids_table = pa.table({"unique_id": pa.array([str(i) for i in ids], type=pa.string())})
        self.connection.register(f"{name}_arrow", ids_table)
        self.connection.execute(
            f"CREATE OR REPLACE TABLE {name}_ids AS SELECT unique_id FROM {name}_arrow"  # noqa: S608
        )
        self.connection.unregister(f"{name}_arrow")
        # The complement is nearly every record: a view over them, not a copy of a million rows.
        kind, condition = ("VIEW", "NOT IN") if complement else ("TABLE", "IN")
        self.connection.execute(
            f"CREATE OR REPLACE {kind} {name} AS SELECT * FROM records "  # noqa: S608
            f"WHERE unique_id {condition} (SELECT unique_id FROM {name}_ids)"
        )
        return self.db_api.register(name, table_name=f"{name}_{time.monotonic_ns()}")

    def _pairs(self, table: str) -> list[ScoredPair]:
        return _pairs_of(self.connection.sql(self._pairs_sql(table)).to_arrow_table())

    @staticmethod
    def _pairs_from(rows) -> list[ScoredPair]:
        """ScoredPairs from the rows `_pairs_sql` selects."""
        return [ScoredPair(r[0], r[1], r[2], r[3], r[4], r[5], r[8:], r[6], False, r[7]) for r in rows]

    def _pairs_sql(self, table: str) -> str:
        """The query reading a table of Splink's predictions as `_pairs_from` takes them."""
        comparisons = [c["output_column_name"] for c in self.model.settings["comparisons"]]
        gamma_cols = ", ".join(f'"gamma_{c}"' for c in comparisons)
        weight_cols = ", ".join(
            f'"mw_{c}"' + (f' + coalesce("mw_tf_adj_{c}", 0)' if self._has_tf(table, c) else "")
            for c in comparisons
        )
        # Column and table names come from the model and Splink, not from users.
        values = f"{gamma_cols}, {weight_cols}"
        veto = " ".join(f"WHEN \"gamma_{c}\" = 0 THEN '{reason}'" for c, reason in VETOES.items())
        veto = f"CASE {veto} WHEN {MIDDLE_NAMES_DIFFER} THEN '{possible.MIDDLE_VETO}' ELSE '' END"
        middle = [g for g, label in self.labels.get("given_name", {}).items() if label == MIDDLE_NAME_LEVEL]
        via_middle = f'coalesce("gamma_given_name" = {middle[0]}, false)' if middle else "false"
        maybe = possible.sql_case(self.labels, veto)
        flags = f'{veto}, coalesce("gamma_nhs_number", -1) > 0, {via_middle}, {maybe}'
        ids = "unique_id_l, unique_id_r, match_probability, match_weight"
        return f"SELECT {ids}, {flags}, {values} FROM {table}"  # noqa: S608

    def _has_tf(self, table: str, comparison: str) -> bool:
        if not hasattr(self, "_columns"):
            self._columns = {}
        if table not in self._columns:
            self._columns[table] = {r[0] for r in self.connection.execute(f"DESCRIBE {table}").fetchall()}
        return f"mw_tf_adj_{comparison}" in self._columns[table]

    def record_facts(self, ids: list[int]) -> dict[int, tuple[str | None, str | None, str]]:
        """Each of these records' whole date of birth (ISO text) and valid NHS number (or None) and source:
        what clustering's checks and `possible.told_apart_in` read. One query, over only these records unless
        they are all of them (an incremental load's scope is a few thousand of a million)."""
        if not ids:
            return {}
        table = "records"
        if len(ids) < self.count:
            self._subset("mast_facts", [str(i) for i in ids])
            table = "mast_facts"
        rows = self.connection.execute(
            f"SELECT unique_id, dob, nhs_number, source FROM {table}"  # noqa: S608 (this module's own names)
        ).fetchall()
        return {int(r): (dob, number, source) for r, dob, number, source in rows}

    def explain(self, pair: ScoredPair) -> list[dict]:
        """Which fields agreed and how much each counted, in bits of evidence (match weights)."""
        n = len(self.comparisons)
        return [
            {
                "comparison": comparison,
                "outcome": self.labels[comparison].get(gamma, str(gamma)),
                "weight": round(weight or 0.0, 2),
            }
            for comparison, gamma, weight in zip(
                self.comparisons, pair.evidence[:n], pair.evidence[n:], strict=True
            )
        ]

    def explain_json(self, pair: ScoredPair) -> str:
        """`explain` as the JSON text json.dumps makes of it, built from pieces made once per comparison and
        level: a full run writes an explanation for each of a million links."""
        n = len(self.comparisons)
        heads = self._explain_heads
        parts = []
        for index, gamma, weight in zip(range(n), pair.evidence[:n], pair.evidence[n:], strict=True):
            head = heads.get((index, gamma))
            if head is None:
                comparison = self.comparisons[index]
                outcome = self.labels[comparison].get(gamma, str(gamma))
                # '{"comparison": ..., "outcome": ..., "weight": ' — json.dumps's own text, less the end.
                head = json.dumps({"comparison": comparison, "outcome": outcome, "weight": 0})[:-2]
                heads[(index, gamma)] = head
            weight = round(weight or 0.0, 2)
            parts.append(f"{head}{weight!r}}}" if math.isfinite(weight) else f"{head}{json.dumps(weight)}}}")
        return "[" + ", ".join(parts) + "]"

    def close(self) -> None:
        self.connection.close()
