"""A linker kept warm between incremental runs, so that a push of one record pays for one record.

Building a `Linker` costs the same whatever the delta: copying every standardised record into DuckDB,
marking the given names several records share as known, reading the model, setting up Splink and counting
name frequencies over every record. At a county's size that is seconds, while scoring one new record against
the rest is a few hundredths. So a long-lived process (the web server answering pushes, the background
worker loading files) keeps one linker and changes it by the delta instead of building it again:

- the records a load redid or dropped are deleted from the DuckDB table and the redone ones inserted;
- given names whose count the delta changed are marked known (or not) again, from each record's own
  standardised flag and the new count, exactly as `Linker` marks them over every record;
- name frequencies are kept as counts per name, changed by the delta, and Splink's term-frequency tables
  (count ÷ non-empty values, Splink's own formula) are rebuilt from the counts — a table of names, not of
  records.

The result is the linker a cold run would build over the same records (tests/identity/matching/test_warm.py
compares every scored pair, frequency and flag). Whether the linker may be reused — the same model, the
store it mirrors unchanged by anyone else — is the caller's to decide (identity/warm_linker.py; ADR 0021).
"""

import functools
import time
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from mast.identity.matching.candidates import LOOKUP_AT_MOST, TF_VIEW, CandidateScorer
from mast.identity.matching.linkage import (
    KEEP_FROM,
    REAL_NAME_COUNT,
    Linker,
    Progress,
    ScoredPair,
    explain_vetoes,
)

# The columns Splink weighs by how common their value is; `Linker` computes their tables at start.
TF_COLUMNS = ("given_name", "family_name")


def _remember_splink_sql_parsing() -> None:
    """Splink works out which columns each comparison and blocking rule reads by parsing their SQL with
    sqlglot, again on every predict call: for a single record that parsing was a fifth of the time. The
    answer depends on the SQL text alone, so it is remembered (a pure function of its arguments; a new list
    each time, as Splink may change it)."""
    from splink.internals import comparison_level, parse_sql, settings

    if getattr(parse_sql, "mast_remembered", False):
        return
    parse = parse_sql.get_columns_used_from_sql

    @functools.lru_cache(maxsize=4096)
    def parsed(sql: str, dialect, retain_table_prefix: bool) -> tuple:
        return tuple(parse(sql, dialect, retain_table_prefix))

    def remembered(sql, sqlglot_dialect=None, retain_table_prefix=False):
        return list(parsed(sql, sqlglot_dialect, retain_table_prefix))

    for module in (parse_sql, settings, comparison_level):
        module.get_columns_used_from_sql = remembered
    parse_sql.mast_remembered = True


class WarmLinker(Linker):
    """A `Linker` that can be brought up to date with a delta of standardised records."""

    # Not compressed: a delta deletes and inserts rows by id, which on compressed rows took a 10,000-record
    # delta 0.42 s against 0.17 s (`python -m bench warm_linkage`, ADR 0044).
    COMPRESSED = False

    def __init__(self, table: pa.Table, *, models_dir: Path, progress: Progress | None = None):
        _remember_splink_sql_parsing()
        super().__init__(table, models_dir=models_dir, progress=progress)
        self.generation = 0
        # Each record's given_name_known as standardising set it, before names shared by several records
        # were marked: what a name's flag falls back to when the delta leaves it with fewer records.
        self.connection.register("mast_known_arrow", table.select(["unique_id", "given_name_known"]))
        self.connection.execute(
            "CREATE TABLE mast_known AS SELECT unique_id, given_name_known AS known FROM mast_known_arrow"
        )
        self.connection.execute("CREATE INDEX mast_known_id ON mast_known (unique_id)")
        self.connection.unregister("mast_known_arrow")
        for column in TF_COLUMNS:
            # Column names are this module's own constants, never input. Keyed by the name, so a delta's
            # few names are added or taken away through the key's index, not a pass over every name.
            self.connection.execute(f"CREATE TABLE mast_counts_{column} (term VARCHAR PRIMARY KEY, n BIGINT)")
            self.connection.execute(
                f"INSERT INTO mast_counts_{column} SELECT {column}, count(*) "  # noqa: S608
                f"FROM records WHERE {column} IS NOT NULL GROUP BY {column}"
            )
        # Records are found by id through an index, not a pass over every record (candidates.py).
        self.connection.execute("CREATE INDEX mast_records_id ON records (unique_id)")
        # Deltas are scored by their candidate pairs only, with SQL generated once (candidates.py).
        self.scorer = CandidateScorer(self.linker, self.connection, KEEP_FROM)
        self._frequency_views()
        self.scorer.prepare(self._pairs_sql)
        self._splink_frequencies_stale, self._splink_generation = False, 0

    def predict_between(self, new_ids: list[str]) -> list[ScoredPair]:
        """As `Linker.predict_between` (the same pairs and scores), over the delta's candidate pairs only."""
        started = time.perf_counter()
        new_ids = [str(i) for i in new_ids]
        pairs = self._pairs_from(self.scorer.between(new_ids))
        pairs += self.predict_within(new_ids)
        self.timings.add("predict", started)
        return pairs

    def predict_within(self, ids: list[str], subset=None) -> list[ScoredPair]:
        """As `Linker.predict_within`: the pairs among these records, scored."""
        return explain_vetoes(self._pairs_from(self.scorer.within([str(i) for i in ids])))

    def apply_delta(self, dropped: Iterable[str], fresh: pa.Table) -> None:
        """Drop these records (those redone, withdrawn or undone) and add the fresh rows (the redone ones,
        standardised, without the known-name marking: as the record store holds them).

        Paid by the delta, not by the million: rows found through the index on unique_id, the fresh rows
        marked before they go in, and only a name whose count crossed the known-name threshold (rare) sends
        a pass over the records. Splink's own frequency tables are brought up to date only when Splink
        itself is asked to predict (`predict`); the scorer reads the counts directly."""
        dropped = sorted({str(i) for i in dropped} | set(fresh.column("unique_id").to_pylist()))
        self.generation += 1
        db = self.connection
        where, ids = self._ids_condition(dropped)
        db.register("mast_fresh_arrow", fresh.select(self._columns_of_records()))
        db.execute("CREATE OR REPLACE TEMP TABLE mast_fresh AS SELECT * FROM mast_fresh_arrow")
        db.unregister("mast_fresh_arrow")
        # The rows leaving, found through the index on unique_id (ids bound as constants, not a pass).
        # `where` is this class's own condition; the ids are bound values.
        db.execute(f"CREATE OR REPLACE TEMP TABLE mast_gone AS SELECT * FROM records WHERE {where}", ids)  # noqa: S608
        # The names whose counts change: those of the records leaving and of those arriving; and whether
        # each was a known name (held by enough records) before the delta.
        db.execute(
            "CREATE OR REPLACE TEMP TABLE mast_names AS "
            "SELECT given_name FROM mast_gone WHERE given_name IS NOT NULL "
            "UNION SELECT given_name FROM mast_fresh WHERE given_name IS NOT NULL"
        )
        db.execute(
            "CREATE OR REPLACE TEMP TABLE mast_names_before AS SELECT m.given_name, "
            "coalesce(c.n, 0) >= ? AS was_known FROM mast_names m "
            "LEFT JOIN mast_counts_given_name c ON c.term = m.given_name",
            [REAL_NAME_COUNT],
        )
        for column in TF_COLUMNS:
            self._count(column, "mast_gone", -1)
            self._count(column, "mast_fresh", 1)
        deleted = db.execute(f"DELETE FROM records WHERE {where}", ids).fetchall()[0][0]  # noqa: S608
        db.execute(f"DELETE FROM mast_known WHERE {where}", ids)  # noqa: S608
        # Each arriving record's own standardised flag, before the marking below changes it.
        db.execute("INSERT INTO mast_known SELECT unique_id, given_name_known FROM mast_fresh")
        self._mark_known_names()
        inserted = db.execute("INSERT INTO records SELECT * FROM mast_fresh").fetchall()[0][0]
        self.scorer.records_added("mast_fresh")
        self.count += inserted - deleted
        self._splink_frequencies_stale = True
        # Splink's own results over the old records (none are kept between calls but the frequencies) and
        # this class's memo of the columns of its tables are no longer true.
        self._columns = {}

    def predict(self) -> list[ScoredPair]:
        """Splink's own predict over every record, with its frequency tables brought up to date first."""
        self._register_term_frequencies()
        return super().predict()

    def _columns_of_records(self) -> list[str]:
        return [row[0] for row in self.connection.execute("DESCRIBE records").fetchall()]

    def _count(self, column: str, rows: str, sign: int) -> None:
        """Add (sign 1) or take away (sign -1) these rows' values of `column` from its counts."""
        counts = f"mast_counts_{column}"
        # `column`, `rows` and `counts` are this module's own SQL, never input.
        self.connection.execute(
            f"INSERT INTO {counts} SELECT {column}, {sign} * count(*) FROM {rows} "  # noqa: S608
            f"WHERE {column} IS NOT NULL GROUP BY {column} "
            "ON CONFLICT (term) DO UPDATE SET n = n + excluded.n"
        )
        self.connection.execute(f"DELETE FROM {counts} WHERE n = 0")  # noqa: S608

    def _ids_condition(self, ids: list[str]) -> tuple[str, list]:
        """A condition on unique_id for these ids that DuckDB answers through the index: up to a few
        thousand bound as constants; more, as a table joined (a pass over the records, as cheap then)."""
        if len(ids) <= LOOKUP_AT_MOST:
            return (f"unique_id IN ({', '.join('?' * len(ids))})" if ids else "false"), ids
        self.connection.register("mast_drop_arrow", pa.table({"unique_id": pa.array(ids, pa.string())}))
        self.connection.execute(
            "CREATE OR REPLACE TEMP TABLE mast_drop AS SELECT unique_id FROM mast_drop_arrow"
        )
        self.connection.unregister("mast_drop_arrow")
        return "unique_id IN (SELECT unique_id FROM mast_drop)", []

    def _mark_known_names(self) -> None:
        # As `Linker` does over every record, for what the delta can have changed only: a name held by
        # REAL_NAME_COUNT records or more is known; otherwise each record keeps its own standardised flag.
        # So the records to mark again are those arriving (marked here, before they join the records) and
        # those whose name crossed the threshold either way (a pass over the records, only when one did).
        db = self.connection
        db.execute(
            "UPDATE mast_fresh SET given_name_known = mast_fresh.given_name_known OR c.n >= ? "
            "FROM mast_counts_given_name c WHERE c.term = mast_fresh.given_name",
            [REAL_NAME_COUNT],
        )
        crossed = db.execute(
            "CREATE OR REPLACE TEMP TABLE mast_crossed AS SELECT b.given_name FROM mast_names_before b "
            "LEFT JOIN mast_counts_given_name c ON c.term = b.given_name "
            "WHERE b.was_known <> (coalesce(c.n, 0) >= ?)",
            [REAL_NAME_COUNT],
        ).fetchall()[0][0]
        if not crossed:
            return
        db.execute(
            "UPDATE records SET given_name_known = u.known FROM ("
            "  SELECT r.unique_id, k.known OR coalesce(c.n >= ?, false) AS known"
            "  FROM (SELECT unique_id, given_name FROM records"
            "        WHERE given_name IN (SELECT given_name FROM mast_crossed)) r"
            "  JOIN mast_known k ON k.unique_id = r.unique_id"
            "  LEFT JOIN mast_counts_given_name c ON c.term = r.given_name"
            ") u WHERE records.unique_id = u.unique_id",
            [REAL_NAME_COUNT],
        )

    def _frequency_views(self) -> None:
        """The frequencies the scorer weighs names by, as views over the counts: always those of the records
        as they are now, with nothing rebuilt per delta but the counts of the names it touched. Splink's
        formula (splink/internals/term_frequencies.py): count ÷ count of non-empty values, as float8, so
        that every weight is the one a cold run computes."""
        for column in TF_COLUMNS:
            # Column names are this module's own constants, never input.
            self.connection.execute(
                f"CREATE OR REPLACE VIEW {TF_VIEW}{column} AS SELECT term AS {column}, "  # noqa: S608
                f"cast(n AS float8) / (SELECT sum(n)::BIGINT FROM mast_counts_{column}) AS tf_{column} "
                f"FROM mast_counts_{column}"
            )

    def _register_term_frequencies(self) -> None:
        """Splink's term-frequency tables from the counts, registered over the ones it computed at start:
        needed only when Splink itself predicts over every record."""
        if not self._splink_frequencies_stale:
            return
        for column in TF_COLUMNS:
            table = f"mast_tf_{column}_{self.generation}"
            self.connection.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {TF_VIEW}{column}"  # noqa: S608
            )
            registered = self.db_api.register(table, table_name=table)
            self.linker.table_management.register_term_frequency_lookup(registered, column)
            if self._splink_generation:
                self.connection.execute(f"DROP TABLE IF EXISTS mast_tf_{column}_{self._splink_generation}")
        self._splink_generation = self.generation
        self._splink_frequencies_stale = False
