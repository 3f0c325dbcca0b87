"""From linked pairs to people: clustering that never puts two records known to be different people together.

Connected components alone would let one ambiguous record (a "David Smith" with no date of birth at an address
where a father and a son are both called David Smith) join two people into one. So links are added strongest
first, and a link is refused when it would put into one person two records that must not be together: a pair
vetoed by the rules or judged "not the same person" by a reviewer. Reviewers' "same person" decisions are
applied before any model link, so a human decision always wins.

A link refused this way is a sign the record is ambiguous; it is reported so it can go to review.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

Node = Hashable


@dataclass
class Clustering:
    clusters: list[set[Node]]
    refused: list[tuple[Node, Node, float]] = field(default_factory=list)

    def cluster_of(self) -> dict[Node, int]:
        return {node: i for i, members in enumerate(self.clusters) for node in members}


def cluster(
    nodes: Iterable[Node],
    links: Iterable[tuple[Node, Node, float]],
    cannot_link: Iterable[tuple[Node, Node]] = (),
    must_link: Iterable[tuple[Node, Node]] = (),
    prefer: Callable[[Node, Node], bool] | None = None,
) -> Clustering:
    """Links are tried strongest first; among equals, those `prefer` favours, then in a fixed order, so the
    same input always gives the same people."""
    parent: dict[Node, Node] = {}
    members: dict[Node, set[Node]] = {}
    # For each cluster (by its root), every node that may not join it.
    forbidden: dict[Node, set[Node]] = {}

    for node in nodes:
        parent[node] = node
        members[node] = {node}
        forbidden[node] = set()
    for a, b in cannot_link:
        if a in parent and b in parent:
            forbidden[a].add(b)
            forbidden[b].add(a)

    def root(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: Node, b: Node, *, force: bool = False) -> bool:
        ra, rb = root(a), root(b)
        if ra == rb:
            return True
        if not force and (forbidden[ra] & members[rb]):
            return False
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        forbidden[ra] |= forbidden.pop(rb)
        return True

    for a, b in must_link:
        if a in parent and b in parent:
            join(a, b, force=True)
    refused = []

    def order(link):
        a, b, probability = link
        return (-probability, not (prefer and prefer(a, b)), str(a), str(b))

    for a, b, probability in sorted(links, key=order):
        if a in parent and b in parent and not join(a, b):
            refused.append((a, b, probability))
    return Clustering([members[r] for r in members], refused)
