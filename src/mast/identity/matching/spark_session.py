"""The Spark session a matching run on Spark uses: the one already running, or a new one as configured.

On a managed Spark service (Databricks, EMR, Synapse, Dataproc) the job is given a session, and MAST uses it
as it is: the cluster's size, memory and Splink's similarity functions are the service's configuration
(docs/scale.md). Anywhere else — a developer's machine, CI — a session is started on `MAST_SPARK_MASTER`
(`local[*]` by default), with Splink's jar of similarity functions (Jaro-Winkler, Damerau-Levenshtein) that
MAST's comparisons call, and Arrow turned on, because records cross between Spark and DuckDB as Arrow.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

from mast.identity.matching.engine_settings import EngineSettingError, spark_master, temp_directory


def spark_session(master: str | None = None):
    """The active Spark session, or a new one on `master` (MAST_SPARK_MASTER when not given)."""
    # pyspark is imported here: it is large, and only the Spark engine needs it.
    try:
        from pyspark.sql import SparkSession
    except ImportError as missing:  # pragma: no cover - depends on the installation
        raise EngineSettingError(
            "MAST_MATCHING_ENGINE=spark needs pyspark 4 (pip install 'pyspark>=4,<5') and Java 17"
        ) from missing
    # py4j says "closing down" at exit, after pytest or a command has closed its streams: noise, not news.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if shutil.which("java") is None:
        raise EngineSettingError(
            "MAST_MATCHING_ENGINE=spark needs Java 17 (Debian: apt-get install openjdk-17-jre-headless)"
        )
    from splink.internals.spark.jar_location import similarity_jar_location

    spill = Path(temp_directory()) / "spark"
    spill.mkdir(parents=True, exist_ok=True)
    master = master or spark_master()
    local = master.startswith("local")
    builder = SparkSession.builder.master(master).appName("mast-matching")
    if local:
        # Spark's Python workers run this interpreter, with MAST and its libraries, not the system's python3.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"])
    return (
        builder.config("spark.jars", similarity_jar_location())
        .config("spark.local.dir", str(spill))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # A small local run needs a handful of partitions, not Spark's default of 200 per shuffle.
        .config("spark.sql.shuffle.partitions", "8" if local else "200")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
