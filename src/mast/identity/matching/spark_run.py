"""A whole matching run as a Spark job over Parquet: for a managed Spark service (docs/scale.md).

    python -m mast.identity.matching.spark_run RAW OUTPUT [--models DIR] [--retrain]

RAW is Parquet of partner records with `standardise_sql.RAW_SCHEMA`'s columns (`mast identity
--export-raw` writes it from MAST's database). OUTPUT receives, as Parquet folders:

- `standardised/`: every record standardised (linkage.SCHEMA);
- `people/`: `record_id`, `person` — which person each record is (the person is the smallest record id in
  it, so the same people get the same labels on a re-run);
- `review/`: `record_a`, `record_b`, `match_probability`, `reason` — the pairs a person must decide.

The model is the latest in --models (a folder the job can read and write; saved models are JSON in DuckDB's
SQL, as on one machine), trained on the records when there is none or --retrain is given. Paths may be any
the Spark session can read and write (s3://, abfss://, gs://, dbfs:/); a saved model is a local folder.
Nothing personal is printed: only counts and times.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyarrow as pa

from mast.identity.matching.people_from_pairs import people_from_pairs, record_facts
from mast.identity.matching.spark_clustering import spark_components
from mast.identity.matching.spark_linkage import SparkLinker
from mast.identity.matching.spark_standardise import standardise_dataframe
from mast.identity.matching.standardise_sql import RAW_SCHEMA


class RawRecordsError(ValueError):
    """The records to match are not in the shape the job reads; the message says what is missing."""


def run(
    spark, raw_path: str, output: str, models_dir: Path, *, retrain: bool = False, progress=print
) -> dict:
    """Match the records at `raw_path` on `spark`, writing the results under `output`; the seconds each
    stage took, and the counts."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    raw = spark.read.parquet(raw_path)
    missing = [name for name in RAW_SCHEMA.names if name not in raw.columns]
    if missing:
        raise RawRecordsError(
            f"{raw_path} lacks the columns {', '.join(missing)} (standardise_sql.RAW_SCHEMA)"
        )
    standardised = standardise_dataframe(raw)
    standardised.write.mode("overwrite").parquet(f"{output}/standardised")
    standardised = spark.read.parquet(f"{output}/standardised")
    seconds["standardise"] = time.perf_counter() - started

    linker = SparkLinker(standardised, spark=spark, models_dir=models_dir, retrain=retrain, progress=progress)
    try:
        pairs = linker.predict()
    finally:
        linker.close()
    seconds.update(linker.timings.seconds)
    started = time.perf_counter()
    facts = record_facts(standardised.select("unique_id", "dob", "nhs_number", "source").toArrow())
    ids = list(facts)
    clustering, sorted_pairs = people_from_pairs(pairs, facts, components=spark_components(spark))
    seconds["cluster"] = time.perf_counter() - started

    started = time.perf_counter()
    record_ids, people = [], []
    for members in clustering.clusters:
        label = min(members, key=lambda r: (len(r), r))
        record_ids.extend(members)
        people.extend([label] * len(members))
    _write(spark, pa.table({"record_id": record_ids, "person": people}), f"{output}/people")
    review = sorted_pairs.review
    _write(
        spark,
        pa.table(
            {
                "record_a": [a for a, _b in review],
                "record_b": [b for _a, b in review],
                "match_probability": pa.array(
                    [pair.probability for pair, _r in review.values()], pa.float64()
                ),
                "reason": [reason for _pair, reason in review.values()],
            }
        ),
        f"{output}/review",
    )
    seconds["write"] = time.perf_counter() - started
    return {
        "records": len(ids),
        "people": len(clustering.clusters),
        "review": len(review),
        "model": linker.model.version,
        "seconds": seconds,
    }


def _write(spark, table: pa.Table, path: str) -> None:
    spark.createDataFrame(table).write.mode("overwrite").parquet(path)


def main(argv: list[str] | None = None) -> int:
    from mast.identity.matching.spark_session import spark_session

    parser = argparse.ArgumentParser(
        prog="python -m mast.identity.matching.spark_run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("raw", help="Parquet of partner records (standardise_sql.RAW_SCHEMA)")
    parser.add_argument("output", help="folder for standardised/, people/ and review/")
    parser.add_argument("--models", type=Path, default=Path("models"), help="folder of saved models")
    parser.add_argument("--retrain", action="store_true", help="train a new model version first")
    args = parser.parse_args(argv)
    result = run(spark_session(), args.raw, args.output, args.models, retrain=args.retrain)
    timings = ", ".join(f"{stage} {s:.1f} s" for stage, s in result["seconds"].items())
    print(
        f"{result['records']:,} records: {result['people']:,} people, {result['review']:,} pairs to review "
        f"(model {result['model']}); took {timings}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
