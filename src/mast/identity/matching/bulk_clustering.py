"""Clustering a full run's million records: connected components over arrays, the rules only where they bite.

`clustering.cluster` adds links one by one, strongest first, and refuses those that would put into one person
two records that must be kept apart (a vetoed or reviewer-refused pair, two dates of birth no slip explains,
two NHS numbers). In a component of the link graph where none of those can happen, every link is made, and
the person is simply the component. So this module finds the components with SciPy over integer arrays, and
checks each for anything that could refuse a link:

- a cannot-link pair with both records inside it;
- two valid NHS numbers;
- two whole dates of birth that no single slip explains (`clustering.dates_compatible`).

Only components with one of those go through `cluster` itself (a few per cent of records on a synthetic
region), which gives them the people it always has; the rest are taken whole. The result is the same people
as `cluster` over everything (tests/identity/test_bulk_clustering.py compares them on a region): links in
one component never touch another, and `cluster`'s passes for ambiguous records are per component too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import combinations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from mast.identity.matching.clustering import Clustering, Node, cluster, dates_compatible

# (number of nodes, edges as pairs of node indexes) → a component label per node: equal labels, one component.
Components = Callable[[int, list[tuple[int, int]]], np.ndarray]


def scipy_components(count: int, edges: list[tuple[int, int]]) -> np.ndarray:
    if not edges:
        return np.arange(count)
    pairs = np.asarray(edges, dtype=np.int64)
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(count, count))
    return connected_components(graph, directed=False)[1]


def _with_conflicts(
    labels: np.ndarray,
    index: dict[Node, int],
    cannot_link: list[tuple[Node, Node]],
    born: Mapping[Node, str],
    numbers: Mapping[Node, str],
) -> set[int]:
    """The components in which some link might be refused."""
    conflicted = {
        int(labels[index[a]])
        for a, b in cannot_link
        if a in index and b in index and labels[index[a]] == labels[index[b]]
    }
    # Dates both ways round: `dates_compatible` reads a swap of two digits from its first argument only.
    for facts, compatible in ((numbers, None), (born, dates_compatible)):
        seen: dict[int, set[str]] = defaultdict(set)
        for node, value in facts.items():
            if value and node in index:
                seen[int(labels[index[node]])].add(value)
        for label, values in seen.items():
            if len(values) > 1 and (
                compatible is None
                or not all(compatible(x, y) and compatible(y, x) for x, y in combinations(values, 2))
            ):
                conflicted.add(label)
    return conflicted


def cluster_in_bulk(
    nodes: Iterable[Node],
    links: Iterable[tuple[Node, Node, float]],
    cannot_link: Iterable[tuple[Node, Node]] = (),
    must_link: Iterable[tuple[Node, Node]] = (),
    prefer: Callable[[Node, Node], bool] | None = None,
    born: Mapping[Node, str] | None = None,
    numbers: Mapping[Node, str] | None = None,
    components: Components | None = None,
) -> Clustering:
    """The people `clustering.cluster` makes of these records (the same arguments), found in bulk. Clusters
    come in the order of their first record in `nodes`. `components` finds the connected components (SciPy
    here by default; `spark_clustering.spark_components` on Spark)."""
    nodes = list(dict.fromkeys(nodes))
    links, cannot_link, must_link = list(links), list(cannot_link), list(must_link)
    born, numbers = born or {}, numbers or {}
    index = {node: i for i, node in enumerate(nodes)}
    edges = [
        (index[a], index[b]) for a, b, *_ in (*links, *must_link) if a in index and b in index and a != b
    ]
    labels = (components or scipy_components)(len(nodes), edges)
    conflicted = _with_conflicts(labels, index, cannot_link, born, numbers)

    whole: dict[int, set[Node]] = {}
    hard: list[Node] = []
    for node, label in zip(nodes, labels.tolist(), strict=True):
        if label in conflicted:
            hard.append(node)
        else:
            whole.setdefault(label, set()).add(node)
    if not hard:
        return Clustering(list(whole.values()))

    def inside(pair) -> bool:
        return pair[0] in index and pair[1] in index and int(labels[index[pair[0]]]) in conflicted

    careful = cluster(
        hard,
        [link for link in links if inside(link)],
        [pair for pair in cannot_link if inside(pair)],
        [pair for pair in must_link if inside(pair)],
        prefer=prefer,
        born={node: born[node] for node in hard if node in born},
        numbers={node: numbers[node] for node in hard if node in numbers},
    )
    clusters = list(whole.values()) + careful.clusters
    clusters.sort(key=lambda members: min(index[node] for node in members))
    return Clustering(clusters, careful.refused, careful.ambiguous)
