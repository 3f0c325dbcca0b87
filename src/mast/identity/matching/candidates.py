"""Scoring a delta against a million records by the pairs it can make, not by every record.

Splink's `predict_between(new, existing)` blocks the new records against the others and then scores the
blocked pairs; but to score them it joins the name frequencies onto *every* existing record and selects
from that, and it generates and parses its SQL again on each call. For one pushed record against a million
that was two to three seconds of a push, while the pairs themselves are a few dozen. So the warm linker
(warm.py) scores a delta in three steps, each over what the delta touches:

1. **candidates by blocking key** — for each blocking rule, a table of every record's key under it (a hash
   of the rule's equalities, as the right-hand record of a pair sees them), sorted by key and kept up to
   date by each delta (blocking_keys.py). The delta's own keys (as the left-hand record) are joined to it:
   DuckDB pushes the few keys down as a filter and skips every block of the sorted table that cannot hold
   them, so one record costs a few lookups per rule, not a pass over a million rows per rule;
2. **the rules on the candidates** — the model's blocking rules as Splink applies them (each rule's join,
   Splink's condition on the ids, each pair once with its first rule's match key) between the delta and the
   candidate records only. A hash can only add candidates (different values sharing one), never lose one,
   and this step keeps exactly the pairs the rules make;
3. **the rows of those pairs** — only the records the pairs name, with their name frequencies joined as
   Splink joins them (`_join_tf_to_input_table_sql`);
4. **scores** — Splink's own comparison and prediction SQL (`compute_comparison_vector_values_from_id_pairs
   _sqls`, `predict_from_comparison_vectors_sqls_using_settings`) over those pairs and rows.

Records are looked up by id through an ART index on the record table (`unique_id`). The SQL of each
step is generated once per model (the linker is rebuilt when the model changes) and run
again with the same table names; nothing of Splink's is re-planned per push. The pairs and their scores are
those `predict_between` / `predict_within` give (tests/identity/matching/test_warm.py compares them with a
linker built cold, pair by pair): a pair is blocked by a rule that reads only its two records, so blocking
against a superset of the records it pairs finds the same pairs as against everyone.
"""

import time

import pyarrow as pa

from mast.identity.matching.blocking_keys import BlockingKeys

# Fixed names for the tables each step reads; the SQL is generated against them once.
NEW, OTHERS, SCOPE = "mast_cand_new", "mast_cand_others", "mast_cand_scope"
PAIRS, ROWS, SCORED = "__splink__blocked_id_pairs", "mast_cand_rows", "mast_cand_scored"
# Up to this many ids are looked up one by one through the index; more, by a join over every record.
LOOKUP_AT_MOST = 2000
TF_VIEW = "mast_tf_now_"  # + column: the name frequencies now (a view its owner, warm.py, keeps)


class CandidateScorer:
    """Blocking and scoring SQL for one Splink linker and its model, generated once."""

    def __init__(self, linker, connection, keep_from: float):
        from splink.internals.blocking import _sql_gen_where_condition
        from splink.internals.comparison_vector_values import (
            compute_comparison_vector_values_from_id_pairs_sqls,
        )
        from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
        from splink.internals.term_frequencies import _join_tf_to_input_table_sql
        from splink.internals.unique_id_concat import _composite_unique_id_from_nodes_sql

        self.connection = connection
        self.linker = linker
        # The settings Splink's own predict uses (a copy of the trained ones, no overrides).
        settings = linker.inference._clone_settings_with_overrides(None, None)
        info = settings.column_info_settings
        self.tf_columns = [c.name.strip('"') for c in settings._term_frequency_columns]
        rules = settings._blocking_rules_to_generate_predictions

        unique_ids = info.unique_id_input_columns
        id_l = _composite_unique_id_from_nodes_sql(unique_ids, "l")
        id_r = _composite_unique_id_from_nodes_sql(unique_ids, "r")

        def blocking(left: str, right: str, link_type: str) -> str:
            # Splink's blocking, each pair once with the first rule that makes it — written as each rule's
            # join on its own and the lowest match key per pair, rather than Splink's form, where each rule
            # repeats every earlier rule negated: the same pairs, but that query is twenty times longer and
            # DuckDB spent longer planning it than running it.
            where = _sql_gen_where_condition(link_type, unique_ids)
            joins = " UNION ALL ".join(
                f"SELECT {rule.match_key} AS match_key, {id_l} AS join_key_l, {id_r} AS join_key_r "  # noqa: S608
                f"FROM {left} AS l INNER JOIN {right} AS r ON ({rule.blocking_rule_sql}) {where}"
                for rule in rules
            )
            return (
                "SELECT CAST(min(match_key) AS VARCHAR) AS match_key, join_key_l, join_key_r "  # noqa: S608
                f"FROM ({joins}) GROUP BY join_key_l, join_key_r"
            )

        # New against the others: the new record on the left, as predict_between puts it.
        self.between_sql = blocking(NEW, OTHERS, "two_dataset_link_only")
        # Among a few records: each pair once, the lower id on the left, as predict_within does.
        self.within_sql = blocking(SCOPE, SCOPE, settings._link_type)
        rows = _join_tf_to_input_table_sql(linker, f"{ROWS}_plain")
        for column in self.tf_columns:
            rows = rows.replace(f"__splink__df_tf_{column}", f"{TF_VIEW}{column}")
        self.rows_sql = rows
        scoring = compute_comparison_vector_values_from_id_pairs_sqls(
            settings._columns_to_select_for_blocking,
            settings._columns_to_select_for_comparison_vector_values,
            input_tablename_l=ROWS,
            input_tablename_r=ROWS,
            source_dataset_input_column=info.source_dataset_input_column,
            unique_id_input_column=info.unique_id_input_column,
            link_type=settings._link_type,
            sql_dialect_str="duckdb",
        )
        scoring += predict_from_comparison_vectors_sqls_using_settings(settings, keep_from, None)
        self.scoring_sql = _as_one_query(scoring)
        self.keys = BlockingKeys(connection, [rule.blocking_rule_sql for rule in rules])
        self.seconds: dict[str, float] = {}

    def records_added(self, table: str) -> None:
        """These rows (a table or view of the record table's columns) joined the records: key them."""
        self.keys.add(table)

    def between(self, new_ids: list[str]) -> str | None:
        """Score the pairs between these records and every other: the name of the table of scored pairs, or
        None when the rules make none."""
        started = time.perf_counter()
        self._rows_of(NEW, new_ids)
        new = set(new_ids)
        candidates = [i for i in self.keys.candidates(NEW) if i not in new]
        self._rows_of(OTHERS, candidates)
        self._add("candidates", started)
        return self._score(self.between_sql, (NEW, OTHERS))

    def within(self, ids: list[str]) -> str | None:
        """Score the pairs among these records only."""
        if len(set(ids)) < 2:
            return None  # one record makes no pair (a single push's own records)
        self._rows_of(SCOPE, ids)
        return self._score(self.within_sql, (SCOPE,))

    def _rows_of(self, name: str, ids: list[str]) -> None:
        """A table `name` of these records' rows. Looked up through the index on unique_id: the ids go in
        as bound values, which DuckDB treats as constants and so answers from the index, not a scan."""
        db = self.connection
        if not ids:
            db.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM records LIMIT 0")  # noqa: S608
            return
        if len(ids) <= LOOKUP_AT_MOST:
            marks = ", ".join("?" * len(ids))
            db.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM records "  # noqa: S608 (own names)
                f"WHERE unique_id IN ({marks})",
                ids,
            )
            return
        db.register(f"{name}_arrow", pa.table({"unique_id": pa.array(ids, pa.string())}))
        db.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM records "  # noqa: S608
            f"WHERE unique_id IN (SELECT unique_id FROM {name}_arrow)"
        )
        db.unregister(f"{name}_arrow")

    def _score(self, blocking_sql: str, sources: tuple[str, ...]) -> str:
        db = self.connection
        started = time.perf_counter()
        db.execute(f"CREATE OR REPLACE TEMP TABLE {PAIRS} AS {blocking_sql}")
        # The rows the pairs are scored from: the delta's and its candidates' (a few dozen for one record).
        rows = " UNION ALL ".join(f"SELECT * FROM {table}" for table in sources)  # noqa: S608 (own names)
        db.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS}_plain AS {rows}")
        db.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS} AS {self.rows_sql}")
        db.execute(f"CREATE OR REPLACE TEMP TABLE {SCORED} AS {self.scoring_sql}")
        self._add("score", started)
        return SCORED

    def _add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def _as_one_query(sqls: list[dict[str, str]]) -> str:
    """Splink's list of (sql, output table) steps as one query: each step a CTE the next ones read."""
    *steps, last = sqls
    if not steps:
        return last["sql"]
    ctes = ",\n".join(f"{step['output_table_name']} AS ({step['sql']})" for step in steps)
    return f"WITH {ctes}\n{last['sql']}"
