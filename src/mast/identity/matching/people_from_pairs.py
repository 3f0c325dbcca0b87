"""The people a whole run's scored pairs make when nothing but the records is known: what a Spark job on a
managed service decides, and what the Spark engine is checked against on one machine.

MAST's server knows more than the records (relationships, the services that know each one) and decides with it
in `resolution`; `mast link` reads relationships from its file in `offline`. A Spark job over Parquet has only
the standardised rows, so both it and the check that Spark gives the same people as DuckDB need the same
narrower decision — kept here once, so the check compares the engines and not two copies of the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from mast.identity.matching.bulk_clustering import Components, cluster_in_bulk
from mast.identity.matching.clustering import Clustering
from mast.identity.matching.linkage import Linker, ScoredPair
from mast.identity.matching.possible import told_apart_in
from mast.identity.matching.triage import Triage, triage

Facts = dict[str, tuple[str | None, str | None, str]]


def record_facts(table: pa.Table) -> Facts:
    """Standardised rows (unique_id, dob, nhs_number, source) → record id → (date of birth, valid NHS number,
    source): what clustering's checks and `possible.told_apart_in` read, as `Linker.record_facts` gives."""
    columns = [table.column(name).to_pylist() for name in ("unique_id", "dob", "nhs_number", "source")]
    return {str(r): (dob, number, source) for r, dob, number, source in zip(*columns, strict=True)}


def people_from_pairs(
    pairs: Iterable[ScoredPair], facts: Facts, *, components: Components | None = None
) -> tuple[Clustering, Triage]:
    """The people (and the pairs left for a reviewer) these scored pairs make of the records in `facts`: the
    pairs sorted into links, vetoes and review; clustered in bulk (`components` as `cluster_in_bulk` takes
    it); then, as `mast link` does, two records with different valid NHS numbers, or from one partner, told
    apart."""
    sorted_pairs = triage(pairs, key=str)
    born = {r: dob for r, (dob, _n, _s) in facts.items() if dob}
    numbers = {r: number for r, (_d, number, _s) in facts.items() if number}
    clustering = cluster_in_bulk(
        list(facts),
        sorted_pairs.links,
        sorted_pairs.cannot,
        born=born,
        numbers=numbers,
        components=components,
    )
    told = {r: (number, source) for r, (_d, number, source) in facts.items()}
    sorted_pairs.after_clustering(clustering, told_apart_in(clustering, told))
    return clustering, sorted_pairs


def people_on_one_machine(table: pa.Table, models_dir: Path) -> tuple[Clustering, Triage]:
    """The same decision with the model scored by DuckDB on this machine: the reference the Spark engine is
    measured against."""
    linker = Linker(table, models_dir=models_dir)
    try:
        pairs = linker.predict()
    finally:
        linker.close()
    return people_from_pairs(pairs, record_facts(table))
