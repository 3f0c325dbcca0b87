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
step is generated once per model (the linker is rebuilt when the model changes) and **prepared once**
(DuckDB's PREPARE) over working tables that live as long as the linker and are emptied and refilled, never
replaced: binding and optimising the scoring query took three times as long as running it on a push's few
rows, and a prepared statement is planned again only when a table it reads is replaced. For a push's few
records, step 2 is one pass over every pair of delta and candidate rows, each pair given the first rule it
satisfies (a CASE over the rules), rather than twenty joins of a handful of rows each.

The pairs and their scores are those `predict_between` / `predict_within` give
(tests/identity/matching/test_warm.py compares them with a linker built cold, pair by pair): a pair is
blocked by a rule that reads only its two records, so blocking against a superset of the records it pairs
finds the same pairs as against everyone.
"""

import time
from collections.abc import Callable

import pyarrow as pa

from mast.identity.matching.blocking_keys import BlockingKeys

# Fixed names for the tables each step reads; the SQL is generated against them once.
NEW, OTHERS, SCOPE = "mast_cand_new", "mast_cand_others", "mast_cand_scope"
PAIRS, ROWS, SCORED = "__splink__blocked_id_pairs", "mast_cand_rows", "mast_cand_scored"
# Up to this many ids are looked up one by one through the index; more, by a join over every record.
LOOKUP_AT_MOST = 2000
# Up to this many pairs of rows (left by right), the rules are tried on each pair, not joined rule by rule.
CROSS_AT_MOST = 20_000
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

        def crossed(left: str, right: str, link_type: str) -> str:
            # The same pairs for a few rows: every pair of rows, kept when some rule holds, with the first
            # rule that holds (a rule that is NULL, a side missing, holds no more than in a join).
            where = _sql_gen_where_condition(link_type, unique_ids)
            ordered = sorted(rules, key=lambda rule: rule.match_key)
            first = " ".join(f"WHEN ({rule.blocking_rule_sql}) THEN {rule.match_key}" for rule in ordered)
            some = " OR ".join(f"({rule.blocking_rule_sql})" for rule in ordered)
            return (
                f"SELECT CAST(CASE {first} END AS VARCHAR) AS match_key, {id_l} AS join_key_l, "  # noqa: S608
                f"{id_r} AS join_key_r FROM {left} AS l CROSS JOIN {right} AS r {where} AND ({some})"
            )

        # New against the others: the new record on the left, as predict_between puts it.
        self.between_sql = blocking(NEW, OTHERS, "two_dataset_link_only")
        self.between_crossed_sql = crossed(NEW, OTHERS, "two_dataset_link_only")
        # Among a few records: each pair once, the lower id on the left, as predict_within does.
        self.within_sql = blocking(SCOPE, SCOPE, settings._link_type)
        self.within_crossed_sql = crossed(SCOPE, SCOPE, settings._link_type)
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

    def prepare(self, pairs_sql: Callable[[str], str]) -> None:
        """Make the working tables (empty, kept for the linker's life) and prepare each step's statement over
        them; `pairs_sql(table)` reads scored pairs as the linker wants them. Called once the name frequency
        views exist."""
        db = self.connection
        for table in (NEW, OTHERS, SCOPE, f"{ROWS}_plain"):
            db.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM records LIMIT 0")  # noqa: S608
        # The tables' names are this module's own; the SQL is Splink's and the model's.
        steps = [
            (PAIRS, self.between_sql),
            (ROWS, self.rows_sql),
            (SCORED, f"SELECT * FROM ({self.scoring_sql})"),  # noqa: S608
        ]
        for table, sql in steps:
            db.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM ({sql}) LIMIT 0")  # noqa: S608
        statements = {
            "between": f"INSERT INTO {PAIRS} {self.between_sql}",
            "between_crossed": f"INSERT INTO {PAIRS} {self.between_crossed_sql}",
            "within": f"INSERT INTO {PAIRS} {self.within_sql}",
            "within_crossed": f"INSERT INTO {PAIRS} {self.within_crossed_sql}",
            "rows_between": f"INSERT INTO {ROWS}_plain SELECT * FROM {NEW} UNION ALL SELECT * FROM {OTHERS}",  # noqa: S608
            "rows_within": f"INSERT INTO {ROWS}_plain SELECT * FROM {SCOPE}",  # noqa: S608
            "rows": f"INSERT INTO {ROWS} {self.rows_sql}",
            "score": f"INSERT INTO {SCORED} SELECT * FROM ({self.scoring_sql})",  # noqa: S608
            "pairs": pairs_sql(SCORED),
        }
        for name, sql in statements.items():
            db.execute(f"PREPARE mast_{name} AS {sql}")

    def records_added(self, table: str) -> None:
        """These rows (a table or view of the record table's columns) joined the records: key them."""
        self.keys.add(table)

    def between(self, new_ids: list[str]) -> list[tuple]:
        """The pairs between these records and every other, scored: rows of the prepared `pairs_sql`."""
        started = time.perf_counter()
        self._rows_of(NEW, new_ids)
        new = set(new_ids)
        candidates = [i for i in self.keys.candidates(NEW) if i not in new]
        self._rows_of(OTHERS, candidates)
        self._add("candidates", started)
        if not candidates:
            return []
        crossed = len(new_ids) * len(candidates) <= CROSS_AT_MOST
        return self._score("between_crossed" if crossed else "between", "rows_between")

    def within(self, ids: list[str]) -> list[tuple]:
        """The pairs among these records only, scored."""
        ids = sorted(set(ids))
        if len(ids) < 2:
            return []  # one record makes no pair (a single push's own records)
        self._rows_of(SCOPE, ids)
        crossed = len(ids) * len(ids) <= CROSS_AT_MOST
        return self._score("within_crossed" if crossed else "within", "rows_within")

    def _rows_of(self, name: str, ids: list[str]) -> None:
        """The table `name` filled with these records' rows. Looked up through the index on unique_id: the
        ids go in as bound values, which DuckDB treats as constants and so answers from the index."""
        db = self.connection
        db.execute(f"DELETE FROM {name}")  # noqa: S608 (own names)
        if not ids:
            return
        if len(ids) <= LOOKUP_AT_MOST:
            marks = ", ".join("?" * len(ids))
            db.execute(
                f"INSERT INTO {name} SELECT * FROM records WHERE unique_id IN ({marks})",  # noqa: S608
                ids,
            )
            return
        db.register(f"{name}_arrow", pa.table({"unique_id": pa.array(ids, pa.string())}))
        db.execute(
            f"INSERT INTO {name} SELECT * FROM records "  # noqa: S608
            f"WHERE unique_id IN (SELECT unique_id FROM {name}_arrow)"
        )
        db.unregister(f"{name}_arrow")

    def _score(self, blocking: str, rows: str) -> list[tuple]:
        db = self.connection
        started = time.perf_counter()
        for table in (PAIRS, f"{ROWS}_plain", ROWS, SCORED):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 (own names)
        db.execute(f"EXECUTE mast_{blocking}")
        # The rows the pairs are scored from: the delta's and its candidates' (a few dozen for one record).
        db.execute(f"EXECUTE mast_{rows}")
        db.execute("EXECUTE mast_rows")
        db.execute("EXECUTE mast_score")
        found = db.execute("EXECUTE mast_pairs").fetchall()
        self._add("score", started)
        return found

    def _add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def _as_one_query(sqls: list[dict[str, str]]) -> str:
    """Splink's list of (sql, output table) steps as one query: each step a CTE the next ones read."""
    *steps, last = sqls
    if not steps:
        return last["sql"]
    ctes = ",\n".join(f"{step['output_table_name']} AS ({step['sql']})" for step in steps)
    return f"WITH {ctes}\n{last['sql']}"
