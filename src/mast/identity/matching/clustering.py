"""From linked pairs to people: clustering that never puts two records known to be different people together.

Connected components alone would let one ambiguous record (a "David Smith" with no date of birth at an address
where a father and a son are both called David Smith) join two people into one. So links are added strongest
first, and a link is refused when it would put into one person two records that must not be together: a pair
vetoed by the rules or judged "not the same person" by a reviewer. Reviewers' "same person" decisions are
applied before any model link, so a human decision always wins.

A refused link means one of its two records matches two people who cannot be one. When the record's link to
the person it joined is not much stronger than the refused one (less than `AMBIGUITY_MARGIN` bits of evidence
apart), the record is ambiguous: which of the two it belongs to is a guess. Such a record is held apart — the
model links it to neither — and every link it had is reported as refused, so it goes to review. Joining it to
the stronger of two nearly equal matches would show one family member's records as another's.
"""

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

Node = Hashable
# A record whose best link is at least this many bits (a factor of about a thousand in the odds) stronger than
# a link it cannot also have keeps its best link; closer than this it is ambiguous and held apart.
AMBIGUITY_MARGIN = 10.0
_PASSES = 4


@dataclass
class Clustering:
    clusters: list[set[Node]]
    refused: list[tuple[Node, Node, float]] = field(default_factory=list)
    # Records held apart because they match two people who cannot be one about equally well.
    ambiguous: set[Node] = field(default_factory=set)

    def cluster_of(self) -> dict[Node, int]:
        return {node: i for i, members in enumerate(self.clusters) for node in members}


def bits(probability: float) -> float:
    """The match weight (log2 odds) of a probability; infinite for certainty."""
    if probability >= 1.0:
        return math.inf
    if probability <= 0.0:
        return -math.inf
    return math.log2(probability / (1.0 - probability))


def cluster(
    nodes: Iterable[Node],
    links: Iterable[tuple[Node, Node, float]],
    cannot_link: Iterable[tuple[Node, Node]] = (),
    must_link: Iterable[tuple[Node, Node]] = (),
    prefer: Callable[[Node, Node], bool] | None = None,
    born: Mapping[Node, str] | None = None,
    numbers: Mapping[Node, str] | None = None,
) -> Clustering:
    """Links are tried strongest first; among equals, those `prefer` favours, then in a fixed order, so the
    same input always gives the same people. Ambiguous records are found, held apart, and the rest clustered
    again, until no new ambiguous record appears.

    `born` gives records' whole dates of birth (ISO text). Two people are never joined when that would put
    into one person two dates of birth no single slip explains (`dates_compatible`), even when those two
    records were never compared: a record with no date of birth, or with its names swapped, matches many
    same-named people, and without this check it chains a "Jack Ryan" born in 1919 to one born in 1969.
    `numbers` gives records' valid NHS numbers: no person holds two."""
    nodes = list(nodes)
    links = list(links)
    cannot_link = list(cannot_link)
    must_link = list(must_link)

    def order(link):
        a, b, probability = link
        return (-probability, not (prefer and prefer(a, b)), str(a), str(b))

    links.sort(key=order)
    decided = {node for pair in must_link for node in pair}
    held: set[Node] = set()
    for _ in range(_PASSES):
        kept = [link for link in links if link[0] not in held and link[1] not in held]
        clusters, refused, by_dates, strongest = _cluster_once(
            nodes, kept, cannot_link, must_link, born or {}, numbers or {}
        )
        new = set()
        # Only links refused by a constraint on the pair itself make a record ambiguous. A link refused for
        # the dates of birth it would bring together is refused and nothing more: the record keeps its
        # stronger link, made first.
        for a, b, probability in refused:
            weight = bits(probability)
            for node in (a, b):
                # A reviewer's decision about a record settles it; the model's doubts do not reopen it.
                if node in decided or node not in strongest:
                    continue
                if not strongest[node] - weight >= AMBIGUITY_MARGIN:
                    new.add(node)
        if not new - held:
            break
        held |= new
    withheld = [link for link in links if link[0] in held or link[1] in held]
    return Clustering(clusters, refused + by_dates + withheld, held)


def dates_compatible(a: str, b: str) -> bool:
    """Whether one slip explains two whole dates of birth (ISO text): the same, day and month transposed, one
    keyed digit, or the same birthday a year apart — the levels of the model short of "different"."""
    if a == b:
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
        return True
    if a[5:] == b[5:] and a[:4].isdigit() and b[:4].isdigit() and abs(int(a[:4]) - int(b[:4])) == 1:
        return True
    # Two digits swapped in place (a transposition): 1969 / 1996.
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    return (
        len(a) == len(b) and len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]]
    )


def _dates_conflict(left: set[str], right: set[str]) -> bool:
    # Against any agreeing date: a person whose NHS number joined two dates already holds a wrong one, and a
    # third record with either date is still that person.
    if not left or not right or not left.isdisjoint(right):
        return False
    return not any(dates_compatible(x, y) for x in left for y in right)


def _cluster_once(nodes, links, cannot_link, must_link, born, numbers):
    parent: dict[Node, Node] = {}
    members: dict[Node, set[Node]] = {}
    # For each cluster (by its root), every node that may not join it.
    forbidden: dict[Node, set[Node]] = {}
    # For each cluster (by its root), the whole dates of birth and the valid NHS numbers its records give.
    dates: dict[Node, set[str]] = {}
    nhs: dict[Node, set[str]] = {}

    for node in nodes:
        parent[node] = node
        members[node] = {node}
        forbidden[node] = set()
        dates[node] = {born[node]} if born.get(node) else set()
        nhs[node] = {numbers[node]} if numbers.get(node) else set()
    for a, b in cannot_link:
        if a in parent and b in parent:
            forbidden[a].add(b)
            forbidden[b].add(a)

    def root(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: Node, b: Node, *, force: bool = False, certain: bool = False) -> bool | None:
        """True when joined; False when a constraint on the pair refuses it; None when the dates of birth or
        the NHS numbers the two people would bring together do. A certain link (a valid NHS number) is not
        held back by dates of birth: the number says the dates are one person's, whatever they say."""
        ra, rb = root(a), root(b)
        if ra == rb:
            return True
        if not force and forbidden[ra] and not forbidden[ra].isdisjoint(members[rb]):
            return False
        if not force and not certain and _dates_conflict(dates[ra], dates[rb]):
            return None
        if not force and nhs[ra] and nhs[rb] and nhs[ra].isdisjoint(nhs[rb]):
            return None
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        forbidden[ra] |= forbidden.pop(rb)
        dates[ra] |= dates.pop(rb)
        nhs[ra] |= nhs.pop(rb)
        return True

    for a, b in must_link:
        if a in parent and b in parent:
            join(a, b, force=True)
    refused, by_dates = [], []
    # Each record's strongest link that was made (links come strongest first), in bits.
    strongest: dict[Node, float] = {}
    for a, b, probability in links:
        if a not in parent or b not in parent:
            continue
        joined = join(a, b, certain=probability >= 1.0)
        if joined:
            if a not in strongest or b not in strongest:
                weight = bits(probability)
                strongest.setdefault(a, weight)
                strongest.setdefault(b, weight)
        elif joined is None:
            by_dates.append((a, b, probability))
        else:
            refused.append((a, b, probability))
    return [members[r] for r in members], refused, by_dates, strongest
