"""The matching model on Spark: the comparisons, blocking rules, rules and saved models of `linkage.Linker`,
scored by Splink's `SparkAPI` instead of DuckDB.

The model is written once, in DuckDB's SQL (fellegi_sunter.py), and saved so; here each condition is
translated to Spark's SQL with sqlglot when the model is handed to Splink, and a model trained on Spark is
saved back in DuckDB's SQL, so either engine can read any saved model. Three names differ between the two:
DuckDB's `list_has_any` is Spark's `arrays_overlap`, and `jaro_winkler_similarity` and `damerau_levenshtein`
are the functions of Splink's similarity jar (spark_session.py), registered by `SparkAPI`.

Only what a full run needs is here (train, predict, the records' facts for clustering): a daily load's
incremental scoring stays on DuckDB (linkage.Linker, warm_linker.py).
"""

from __future__ import annotations

import copy
import logging
import time
from pathlib import Path

import sqlglot
from sqlglot import exp

from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching import linkage, possible
from mast.identity.matching.linkage import KEEP_FROM, REAL_NAME_COUNT, ScoredPair, explain_vetoes

_RENAMED = {exp.ArrayOverlaps: "arrays_overlap", exp.JarowinklerSimilarity: "jaro_winkler"}


def spark_sql(duckdb_sql: str) -> str:
    """One of the model's SQL conditions (or rules), written for DuckDB, as Spark SQL."""

    def rename(node: exp.Expression) -> exp.Expression:
        name = _RENAMED.get(type(node))
        if name is None:
            return node
        return exp.Anonymous(this=name, expressions=[node.this, node.expression])

    tree = sqlglot.parse_one(duckdb_sql, read="duckdb").transform(rename)
    return tree.sql(dialect="spark")


def spark_settings(settings: dict) -> dict:
    """A saved model's Splink settings (DuckDB's SQL) for Splink's SparkAPI."""
    spark = copy.deepcopy(settings)
    spark["sql_dialect"] = "spark"
    for comparison in spark["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
    for rule in spark.get("blocking_rules_to_generate_predictions", []):
        rule["blocking_rule"] = spark_sql(rule["blocking_rule"])
    return spark


def duckdb_settings(trained: dict, written: dict) -> dict:
    """Settings trained on Spark with the SQL put back as `written` (DuckDB's) had it, level by level."""
    saved = copy.deepcopy(trained)
    saved["sql_dialect"] = "duckdb"
    for comparison, original in zip(saved["comparisons"], written["comparisons"], strict=True):
        levels = original["comparison_levels"]
        for level, before in zip(comparison["comparison_levels"], levels, strict=True):
            level["sql_condition"] = before["sql_condition"]
    saved["blocking_rules_to_generate_predictions"] = copy.deepcopy(
        written["blocking_rules_to_generate_predictions"]
    )
    return saved


class SparkLinker(linkage.Linker):
    """`linkage.Linker` for a full run on Spark: `table` is an Arrow table or a Spark DataFrame of
    standardised records (`linkage.SCHEMA`)."""

    def __init__(self, table, *, spark, models_dir: Path, retrain: bool = False, progress=None):
        from pyspark.sql import functions as F
        from splink import SparkAPI

        self.progress = progress or (lambda message: None)
        self.timings = linkage.Timings()
        self.spark = spark
        frame = table if hasattr(table, "sparkSession") else spark.createDataFrame(table)
        # A given name several records share is a real name, not a slip (as linkage.Linker does in DuckDB).
        common = (
            frame.groupBy("given_name").count().where(F.col("count") >= REAL_NAME_COUNT).select("given_name")
        )
        common = common.withColumn("mast_common", F.lit(True))
        frame = (
            frame.join(common, "given_name", "left")
            .withColumn("given_name_known", F.coalesce(F.col("mast_common"), F.col("given_name_known")))
            .select(*linkage.SCHEMA.names)
        )
        self.frame = frame.cache()
        self.count = self.frame.count()
        self.db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        self.frame.createOrReplaceTempView("mast_records")
        self.records = self.db_api.register("mast_records", table_name="mast_records_splink")
        self._use_model(models_dir, retrain)

    def _linker(self, settings: dict):
        from splink import Linker as SplinkLinker

        return SplinkLinker(self.records, spark_settings(settings), log_level=logging.WARNING)

    def _train(self, models_dir: Path) -> fs_model.SavedModel:
        started = time.perf_counter()
        self.progress(f"training the model on {self.count:,} records, on Spark")
        written = fs_model.base_settings()
        linker = self._linker(written)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [spark_sql(rule) for rule in fs_model.PRIOR_RULES], recall=fs_model.PRIOR_RECALL
        )
        training.estimate_u_using_random_sampling(max_pairs=min(2e6, max(1e5, self.count * 20)), seed=1)
        for block in fs_model.TRAINING_BLOCKS:
            training.estimate_parameters_using_expectation_maximisation(
                spark_sql(block), estimate_without_term_frequencies=True, max_pairs=1e6
            )
        trained = linker.misc.save_model_to_json()
        settings = fs_model.tidy_trained(duckdb_settings(trained, written))
        saved = fs_model.save_model(settings, models_dir)
        self.timings.add("train", started)
        return saved

    def predict(self) -> list[ScoredPair]:
        started = time.perf_counter()
        self.progress(f"scoring candidate pairs among {self.count:,} records, on Spark")
        predictions = self.linker.inference.predict(
            threshold_match_probability=KEEP_FROM, warning_mode="never"
        )
        pairs = explain_vetoes(self._pairs(predictions.physical_name))
        self.timings.add("predict", started)
        return pairs

    def predict_between(self, new_ids):  # pragma: no cover - a guard, not a feature
        raise NotImplementedError("a daily load scores on DuckDB (warm_linker.py); Spark runs full runs")

    predict_within = predict_between

    def _pairs(self, table: str) -> list[ScoredPair]:
        columns = set(self.spark.table(table).columns)
        comparisons = self.comparisons
        gammas = ", ".join(f"gamma_{c}" for c in comparisons)
        weights = ", ".join(
            f"mw_{c}" + (f" + coalesce(mw_tf_adj_{c}, 0)" if f"mw_tf_adj_{c}" in columns else "")
            for c in comparisons
        )
        veto = " ".join(f"WHEN \"gamma_{c}\" = 0 THEN '{reason}'" for c, reason in linkage.VETOES.items())
        veto = f"CASE {veto} WHEN {linkage.MIDDLE_NAMES_DIFFER} THEN '{possible.MIDDLE_VETO}' ELSE '' END"
        middle = [
            g for g, lab in self.labels.get("given_name", {}).items() if lab == linkage.MIDDLE_NAME_LEVEL
        ]
        via_middle = f'coalesce("gamma_given_name" = {middle[0]}, false)' if middle else "false"
        maybe = possible.sql_case(self.labels, veto)
        flags = spark_sql(f'SELECT {veto}, coalesce("gamma_nhs_number", -1) > 0, {via_middle}, {maybe}')
        flags = flags.removeprefix("SELECT ")
        ids = "unique_id_l, unique_id_r, match_probability, match_weight"
        # Column and table names come from the model and Splink, not from users.
        rows = self.spark.sql(f"SELECT {ids}, {flags}, {gammas}, {weights} FROM {table}").toArrow()  # noqa: S608
        columns = [rows.column(i).to_pylist() for i in range(rows.num_columns)]
        return [
            ScoredPair(r[0], r[1], r[2], r[3], r[4], r[5], r[8:], r[6], False, r[7])
            for r in zip(*columns, strict=True)
        ]

    def record_facts(self, ids: list[int]) -> dict[int, tuple[str | None, str | None, str]]:
        wanted = set(ids)
        rows = self.frame.select("unique_id", "dob", "nhs_number", "source").toArrow()
        return {
            int(r): (dob, number, source)
            for r, dob, number, source in zip(*(c.to_pylist() for c in rows.columns), strict=True)
            if int(r) in wanted
        }

    def close(self) -> None:
        self.frame.unpersist()
