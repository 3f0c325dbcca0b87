"""Connected components on Spark, for bulk_clustering: the people of a full run found without GraphFrames.

Splink's own clustering (`cluster_pairwise_predictions_at_threshold`) finds connected components in plain
SQL, joining each record to the smallest id it can reach until nothing changes, and runs on whatever
engine Splink does. MAST's links, after its rules have sorted them (triage.py), go in as edges; each
record's component comes back, and bulk_clustering applies MAST's rules inside the few components where
one could refuse a link, as it does with SciPy's components on one machine. The people are the same.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mast.identity.matching.bulk_clustering import Components


def spark_components(spark) -> Components:
    """A `bulk_clustering.Components` that finds the components on this Spark session."""

    def components(count: int, edges: list[tuple[int, int]]) -> np.ndarray:
        if not edges:
            return np.arange(count)
        from splink import SparkAPI
        from splink.clustering import cluster_pairwise_predictions_at_threshold

        pairs = np.asarray(edges, dtype=np.int64)
        nodes = spark.createDataFrame(pa.table({"unique_id": pa.array(np.arange(count, dtype=np.int64))}))
        links = spark.createDataFrame(pa.table({"unique_id_l": pairs[:, 0], "unique_id_r": pairs[:, 1]}))
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        clusters = cluster_pairwise_predictions_at_threshold(nodes, links, db_api, "unique_id")
        found = clusters.as_spark_dataframe().select("unique_id", "cluster_id").toArrow()
        labels = np.empty(count, dtype=np.int64)
        labels[found.column("unique_id").to_numpy()] = found.column("cluster_id").to_numpy()
        return labels

    return components
