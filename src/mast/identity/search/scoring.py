"""Scoring a practitioner's search with the trained matching model: how strongly each candidate record agrees
with the query, and in which fields.

The query, standardised as a record is (`linkage.model_row`), is compared with each candidate using the saved
Splink model's own comparison levels and m/u values, in DuckDB. A field the practitioner left empty is a null
level (no evidence), never a disagreement. The levels that counted become the reasons shown ("Date of birth:
day and month transposed"). Kept apart from `search` because it follows the saved model, not the query: a
`Scorer` is built once per model version and shared by every search.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from mast.identity import model_files
from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching import linkage

_MODEL_RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class _Level:
    gamma: int
    label: str
    weight: float  # bits of evidence: log2(m / u); 0 for the null level


@dataclass(frozen=True)
class _Comparison:
    name: str
    title: str
    levels: dict[int, _Level]


class Scorer:
    """The saved model's comparisons as one DuckDB query over (query, candidate) pairs.

    Built once per model version and shared by threads; each thread has its own DuckDB connection.
    """

    def __init__(self, saved: fs_model.SavedModel):
        self.version = saved.version
        settings = saved.settings
        prior = settings.get("probability_two_random_records_match") or 1e-4
        self.prior = math.log2(prior / (1 - prior))
        labels = saved.level_labels()
        self.comparisons: list[_Comparison] = []
        gammas = []
        conditions: dict[tuple[str, int], str] = {}
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            description = re.sub(r"\s*\(.*\)$", "", comparison.get("comparison_description") or name)
            levels, cases = {}, []
            # Splink's numbering, as in `SavedModel.level_labels`: the null level is -1, the others count down
            # from the strongest to 0 for the last ("else").
            non_null = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            for level in comparison["comparison_levels"]:
                null = level.get("is_null_level", False)
                gamma = -1 if null else len(non_null) - 1 - non_null.index(level)
                weight = 0.0 if null else _bits(level)
                levels[gamma] = _Level(gamma, labels[name].get(gamma, level["label_for_charts"]), weight)
                condition = level["sql_condition"]
                conditions[(name, gamma)] = condition
                cases.append(
                    f"ELSE {gamma}"
                    if condition.strip().upper() == "ELSE"
                    else f"WHEN {condition} THEN {gamma}"
                )
            if not any(case.startswith("ELSE") for case in cases):
                cases.append("ELSE -1")
            title = fs_model.COMPARISON_TITLES.get(name, description)
            self.comparisons.append(_Comparison(name, title, levels))
            gammas.append(f'CASE {" ".join(cases)} END AS "gamma_{name}"')
        columns = [c for c in linkage.SCHEMA.names if c != "unique_id"]
        pairs = ", ".join(f'q."{c}" AS "{c}_l", c."{c}" AS "{c}_r"' for c in columns)
        # Conditions and column names come from the saved model and the schema, never from a user.
        self.sql = (
            f"SELECT reading, unique_id, {', '.join(gammas)} FROM ("  # noqa: S608
            f"SELECT q.unique_id AS reading, c.unique_id AS unique_id, {pairs} "
            "FROM search_query AS q CROSS JOIN search_candidates AS c)"
        )
        self._local = threading.local()
        address = next((c for c in self.comparisons if c.name == "address"), None)
        same_postcode = next(
            (lv for lv in (address.levels.values() if address else ()) if lv.label == "Same postcode"), None
        )
        self._postcode_slip = (
            _Level(-2, "Postcodes one keyed character apart", same_postcode.weight / 2)
            if same_postcode is not None and same_postcode.weight > 0
            else None
        )
        dates = next((c for c in self.comparisons if c.name == "date_of_birth"), None)
        self._date_slip = next(
            (
                lv
                for lv in (dates.levels.values() if dates else ())
                if "digit" in lv.label.lower() and lv.weight > 0
            ),
            None,
        )

        names = {c.name: c for c in self.comparisons}
        given, family = names.get("given_name"), names.get("family_name")
        # The given name's levels that say it is the same name: its strongest ("Same given name") and the
        # name groups' ("Nickname or variant of the same name"); the family name's "a woman's" level.
        self._same_given = (
            {
                lv
                for lv in given.levels.values()
                if lv.gamma == max(given.levels)
                or (
                    "given_name_groups" in conditions.get(("given_name", lv.gamma), "")
                    and "family" not in conditions.get(("given_name", lv.gamma), "")
                )
            }
            if given
            else set()
        )
        self._womans_family = next(
            (lv for lv in (family.levels.values() if family else ()) if "a woman's" in lv.label), None
        )

    def _connection(self) -> duckdb.DuckDBPyConnection:
        con = getattr(self._local, "connection", None)
        if con is None:
            # One thread each: a search is a few hundred rows, not worth a pool of DuckDB workers.
            con = self._local.connection = duckdb.connect(config={"threads": 1})
            # Planning is most of a search's scoring time, and a hundred rows need no optimiser.
            con.execute("PRAGMA disable_optimizer")
        return con

    def score_readings(
        self, readings: dict[str, dict], candidate_rows: list[dict]
    ) -> dict[str, dict[str, list[_Level]]]:
        """For each reading of the query (the names as typed, the other way round): candidate's unique id →
        the level found for each comparison, in the model's order.

        One DuckDB query for all of them: each query costs some 8 ms of CPU however few its rows (DuckDB binds
        the model's conditions afresh each time), and a search scored three times — the query against
        itself, as typed, swapped — was the largest part of a search's CPU (ADR 0037)."""
        if not candidate_rows or not readings:
            return {}
        con = self._connection()
        con.register(
            "search_query", linkage.to_table([dict(row, unique_id=n) for n, row in readings.items()])
        )
        con.register("search_candidates", linkage.to_table(candidate_rows))
        try:
            rows = con.execute(self.sql).fetchall()
        finally:
            con.unregister("search_query")
            con.unregister("search_candidates")
        scored: dict[str, dict[str, list[_Level]]] = {name: {} for name in readings}
        for row in rows:
            scored[row[0]][row[1]] = [
                c.levels.get(g if g is not None else -1, _NULL)
                for c, g in zip(self.comparisons, row[2:], strict=True)
            ]
        return scored

    def probability(self, levels: Sequence[_Level]) -> float:
        weight = self.prior + sum(level.weight for level in levels)
        return 1.0 / (1.0 + 2.0 ** (-weight)) if weight > -1000 else 0.0

    def reasons(self, levels: Sequence[_Level]) -> list[str]:
        """The comparisons that counted for the match, strongest first, in the model's words."""
        counted = sorted(
            (
                (level.weight, comparison.title, level.label)
                for comparison, level in zip(self.comparisons, levels, strict=True)
                if level.weight > 0
            ),
            key=lambda item: -item[0],
        )
        return [f"{title}: {_sentence_case(label)}" for _weight, title, label in counted]

    def evidence(self, levels: Sequence[_Level]) -> float:
        """Bits of evidence for the match, without the prior: what the search's threshold compares."""
        return sum(level.weight for level in levels)

    def without(self, levels: Sequence[_Level], name: str) -> float:
        """Bits of evidence for the match leaving the named comparison out: the bar for a record whose
        comparison counts for nothing (`another_family_name`) is what the query's other fields could give."""
        return sum(
            level.weight
            for comparison, level in zip(self.comparisons, levels, strict=True)
            if comparison.name != name
        )

    def postcode_slip(self, levels: Sequence[_Level]) -> list[_Level]:
        """The levels with the address's raised to a search's own level, "postcodes one keyed character
        apart", when that says more. The model has no such level, since two partners' records a slip apart
        are usually two places; a practitioner typing a postcode from memory or a phone line slips as often
        as with a name, so half the weight of the same postcode. Not a link: search only."""
        return self._raise(levels, "address", self._postcode_slip)

    def date_slip(self, levels: Sequence[_Level]) -> list[_Level]:
        """The levels with the date of birth's raised to "one keyed digit apart" (the model's own level),
        for a date as typed one digit dropped, added, changed or swapped from the record's: the model
        compares whole dates, so '2/03/1987' for 27/03/1987 would otherwise be a different date."""
        return self._raise(levels, "date_of_birth", self._date_slip)

    def another_family_name(self, levels: Sequence[_Level]) -> list[_Level] | None:
        """The levels with a woman's different family name counting for nothing, when her given name is the
        same name as typed (the same, or a nickname or variant of it: 'Abbie' for Abigail) and her date of
        birth agrees (the same, or one slip out); None otherwise.

        The model weighs a woman's different family name at about four bits against: she may have married,
        but most women with another family name are other women. Beside the same given name and the same
        date that still lists her; beside a date keyed one digit out it does not, and "not known" would be
        said of a woman known under her married name. A given name and a date of birth one slip out are
        rare enough together to list (a handful of people at a million records, below the name matches).
        Her family name is then no evidence either way, so the search's bar leaves it out too
        (`without`). Not a link: search only."""
        if not self._same_given or self._womans_family is None:
            return None
        by_name = {c.name: level for c, level in zip(self.comparisons, levels, strict=True)}
        if (
            by_name.get("given_name") not in self._same_given
            or by_name.get("family_name") != self._womans_family
            or by_name.get("date_of_birth", _NULL).weight <= 0
        ):
            return None
        return [
            _NULL if comparison.name == "family_name" else level
            for comparison, level in zip(self.comparisons, levels, strict=True)
        ]

    def _raise(self, levels: Sequence[_Level], name: str, to: _Level | None) -> list[_Level]:
        if to is None:
            return list(levels)
        return [
            to if comparison.name == name and level.weight < to.weight else level
            for comparison, level in zip(self.comparisons, levels, strict=True)
        ]

    def counted(self, levels: Sequence[_Level]) -> list[tuple[str, str, float]]:
        """(comparison, level label, weight in bits) of the comparisons that counted, strongest first: what
        the reasons say, for pages that word them their own way (people.explain)."""
        return sorted(
            (
                (comparison.name, level.label, level.weight)
                for comparison, level in zip(self.comparisons, levels, strict=True)
                if level.weight > 0
            ),
            key=lambda item: -item[2],
        )

    def as_typed(self, levels: Sequence[_Level], leaving_out: tuple[str, ...] = ()) -> int:
        """How many comparisons agree at their strongest level — the record has what was typed, as typed —
        leaving out those named. What tells apart two records the model weighs the same: its "given and
        family names swapped" level weighs as much as the same names, and a common name's exact agreement
        no more than a rare name's typo; the record with the names as typed is the one asked for."""
        return sum(
            1
            for comparison, level in zip(self.comparisons, levels, strict=True)
            if comparison.name not in leaving_out
            and level.weight > 0
            and level.gamma == max(comparison.levels)
        )

    def agrees(self, levels: Sequence[_Level], comparison: str) -> bool:
        """Whether the named comparison counted for the match."""
        for c, level in zip(self.comparisons, levels, strict=True):
            if c.name == comparison:
                return level.weight > 0
        return False


_NULL = _Level(-1, "missing", 0.0)


def _bits(level: dict) -> float:
    m, u = level.get("m_probability"), level.get("u_probability")
    if not m or not u:
        # An untrained or impossible level: as good as no evidence, not infinite evidence.
        return 0.0
    return math.log2(m / u)


def _sentence_case(label: str) -> str:
    # "Day and month transposed" → "day and month transposed"; "NHS number missing" stays as it is.
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


_scorers: dict[str, tuple[float, str, Scorer]] = {}
_scorers_lock = threading.Lock()


def scorer() -> Scorer:
    """The scorer for the model matching uses now: the newest trained version, else the starter model.

    Rebuilt only when the newest version changes (checked every half minute), so a retrained model reaches
    a running web server without a restart.
    """
    directory = model_files.models_dir()
    cache_key = str(directory)
    now = time.monotonic()
    cached = _scorers.get(cache_key)
    if cached and now - cached[0] < _MODEL_RECHECK_SECONDS:
        return cached[2]
    with _scorers_lock:
        cached = _scorers.get(cache_key)
        if cached and now - cached[0] < _MODEL_RECHECK_SECONDS:
            return cached[2]
        saved = fs_model.latest_model(directory) or fs_model.starter_model()
        identity = f"{saved.path}:{saved.version}"
        built = cached[2] if cached and cached[1] == identity else Scorer(saved)
        _scorers[cache_key] = (now, identity, built)
        return built
