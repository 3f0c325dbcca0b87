"""Run by bench/linkage.py in a process of its own: a plain Splink 5 dedupe of the same records as the full
run, timed (train + predict + cluster) with its peak memory, printed as JSON — the yardstick issue 19's
targets are set against (MAST's full run at most twice its time).

"Plain": Splink's documented default comparisons and its own connected-components clustering at 0.9, on the
standardised columns the full run left in its record store (so standardising is not in Splink's time),
blocked on MAST's fields and trained as MAST trains, as bench/identity_quality.py sets up its plain model.
"""

import json
import logging
import resource
import sys
import time

import duckdb
import pyarrow.feather as feather


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dedupe(store: str) -> dict:
    from splink import DuckDBAPI, Linker

    from bench.plain_splink import settings as plain_settings
    from mast.identity.matching.fellegi_sunter import (
        PRIOR_RECALL,
        PRIOR_RULES,
        TRAINING_BLOCKS,
    )

    columns = ["unique_id", "given_name", "family_name", "dob", "birth_year", "sex", "nhs_number", "postcode"]
    columns += ["outcode", "street", "house_number", "address_key", "given_name_dm", "family_name_dm"]
    columns += ["given_name_groups"]
    table = feather.read_table(store, columns=columns)
    connection = duckdb.connect()
    connection.register("records_arrow", table)
    connection.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
    connection.unregister("records_arrow")
    del table
    stages: dict[str, float] = {}
    started = time.perf_counter()
    settings = plain_settings("street")
    db_api = DuckDBAPI(connection=connection)
    linker = Linker(db_api.register("records", table_name="plain_records"), settings, log_level=logging.ERROR)
    count = connection.execute("SELECT count(*) FROM records").fetchall()[0][0]
    training = linker.training
    training.estimate_probability_two_random_records_match(PRIOR_RULES, recall=PRIOR_RECALL)
    training.estimate_u_using_random_sampling(max_pairs=min(2e6, max(1e5, count * 20)), seed=1)
    for block in TRAINING_BLOCKS:
        training.estimate_parameters_using_expectation_maximisation(block, max_pairs=1e6)
    stages["train"] = time.perf_counter() - started
    mark = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    stages["predict"] = time.perf_counter() - mark
    mark = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    count_people = f"SELECT count(DISTINCT cluster_id) FROM {clusters.physical_name}"  # noqa: S608 (Splink's name)
    people = connection.execute(count_people).fetchall()[0][0]
    stages["cluster"] = time.perf_counter() - mark
    seconds = time.perf_counter() - started
    return {"records": count, "people": people, "seconds": seconds, "peak_mib": peak_mib(), "stages": stages}


if __name__ == "__main__":
    print(json.dumps(dedupe(sys.argv[1])))
