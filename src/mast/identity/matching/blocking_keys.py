"""Every record's blocking keys, kept sorted, so that a delta finds its candidate pairs without a full pass.

A blocking rule pairs records that agree on a few things: `l.dob = r.dob AND l.family_name_dm =
r.family_name_dm`. Blocking one new record against a million by joining on the rule probes every record's
columns, once per rule: with the model's twenty rules, close to a second per push. So for each rule the
records' key under it is kept in a table — a hash of the rule's right-hand sides (`dob`, `family_name_dm`),
with the record's id — sorted by key. The delta's key is the hash of the left-hand sides; joined to the
sorted table, DuckDB pushes the delta's few keys down as a filter and skips every block of rows whose
smallest and largest key cannot hold them.

What the tables promise is only a superset: every record a rule would pair with a delta record is among
the candidates (both sides of each equality agree, so their hashes do; a record with a side missing can
never satisfy the equality and is left out). Different values sharing a hash, conditions of a rule other
than equalities (`list_has_any`), and rows of records since changed or withdrawn only add candidates, and
Splink's own blocking over the candidates (candidates.py) keeps exactly the pairs the rules make. So a delta
appends its rows' keys and deletes nothing; the tables are sorted again when the appended rows grow past a
share of them (appended rows sit in blocks of their own, which are read whole).

A rule with no equality between a left and a right expression has no key: its candidates are found by
joining on the rule itself, over every record (none of MAST's rules is like that).
"""

import time

import sqlglot
from sqlglot import expressions as exp

# Appended rows up to this share of a table's rows are read whole; past it the tables are sorted again.
RESORT_AFTER = 0.05


def key_expressions(rule: str) -> list[tuple[str, str]]:
    """The rule's equalities between a left-record and a right-record expression, as (left, right) SQL over
    one record's columns: `l.dob = r.dob AND l.given_name_dm = r.family_name_dm` gives
    [("dob", "dob"), ("given_name_dm", "family_name_dm")]."""
    tree = sqlglot.parse_one(rule, dialect="duckdb")
    conjuncts = list(tree.flatten()) if isinstance(tree, exp.And) else [tree]
    pairs = []
    for conjunct in conjuncts:
        if not isinstance(conjunct, exp.EQ):
            continue
        sides = conjunct.this, conjunct.expression
        tables = [{column.table for column in side.find_all(exp.Column)} for side in sides]
        if tables == [{"l"}, {"r"}]:
            pairs.append((_unqualified(sides[0]), _unqualified(sides[1])))
        elif tables == [{"r"}, {"l"}]:
            pairs.append((_unqualified(sides[1]), _unqualified(sides[0])))
    return pairs


def _unqualified(expression: exp.Expression) -> str:
    expression = expression.copy()
    for column in expression.find_all(exp.Column):
        column.set("table", None)
    return expression.sql(dialect="duckdb")


class BlockingKeys:
    """One sorted key table per blocking rule over the `records` table of a DuckDB connection."""

    def __init__(self, connection, rules: list[str]):
        self.connection = connection
        self.rules = rules
        self.keys = [key_expressions(rule) for rule in rules]
        self.appended = 0
        self.seconds = 0.0
        self._build()

    def _key_sql(self, number: int, side: int, table: str) -> str:
        """Each row's key under rule `number` as the left (side 0) or right (side 1) record of a pair."""
        parts = [pair[side] for pair in self.keys[number]]
        present = " AND ".join(f"({part}) IS NOT NULL" for part in parts)
        # The rule's own SQL (MAST's model), never input.
        return f"SELECT hash({', '.join(parts)}) AS key, unique_id FROM {table} WHERE {present}"  # noqa: S608

    def _build(self) -> None:
        started = time.perf_counter()
        for number, keys in enumerate(self.keys):
            if keys:
                self.connection.execute(
                    f"CREATE OR REPLACE TABLE mast_block_{number} AS "
                    f"{self._key_sql(number, 1, 'records')} ORDER BY key"
                )
        self.rows = sum(
            self.connection.execute(f"SELECT count(*) FROM mast_block_{n}").fetchall()[0][0]  # noqa: S608
            for n, keys in enumerate(self.keys)
            if keys
        )
        self.appended = 0
        self.seconds += time.perf_counter() - started

    def add(self, table: str) -> None:
        """Key the rows of `table` (records just added or changed)."""
        for number, keys in enumerate(self.keys):
            if keys:
                inserted = self.connection.execute(
                    f"INSERT INTO mast_block_{number} {self._key_sql(number, 1, table)}"
                ).fetchall()
                self.appended += inserted[0][0]
        if self.appended > RESORT_AFTER * max(self.rows, 1):
            self._build()

    def candidates(self, table: str) -> list[str]:
        """The ids of every record some rule may pair with a record of `table` (as the left record)."""
        parts = []
        for number, keys in enumerate(self.keys):
            if keys:
                delta = self._key_sql(number, 0, table)
                parts.append(
                    f"SELECT k.unique_id FROM mast_block_{number} k "  # noqa: S608 (own names)
                    f"JOIN (SELECT DISTINCT key FROM ({delta})) d ON k.key = d.key"
                )
            else:
                rule = self.rules[number]
                parts.append(f"SELECT r.unique_id FROM {table} l JOIN records r ON {rule}")  # noqa: S608
        return [row[0] for row in self.connection.execute(" UNION ".join(parts)).fetchall()]
