"""Scored pairs sorted for clustering: the links to make, the pairs that may not be together, and the pairs a
person must decide, each with why.

Pure (no Django): `mast link` and the database resolution both sort their pairs here, so the two agree on
what is linked, what is reviewed and what is a possible match.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mast.identity.matching import fellegi_sunter as fs_model
from mast.identity.matching import possible
from mast.identity.matching.linkage import LINK_AT, ScoredPair

BETWEEN = "Scored between the thresholds for linking and not linking"
AMBIGUOUS = "Matches two people who cannot be the same person"


@dataclass
class Triage:
    """Scored pairs sorted for clustering: links to make, pairs that may not be together, and pairs for a
    person to decide (with why). Keys are (smaller, larger) record ids."""

    best: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    cannot: list = field(default_factory=list)
    review: dict = field(default_factory=dict)  # key → (pair, reason)

    def after_clustering(self, clustering, told_apart: Callable[[object, object], bool]) -> None:
        """Send the links the clustering refused as ambiguous to review, and drop possible matches whose
        records ended up in one person anyway (through a third record or a decision) or whose people
        something already tells apart (`told_apart(a, b)`, see possible.py)."""
        for a, b, _probability in clustering.refused:
            key = (min(a, b), max(a, b))
            if key in self.best and self.best[key].probability >= LINK_AT:
                self.review[key] = (self.best[key], AMBIGUOUS)
        cluster_of = clustering.cluster_of()
        for key, (pair, reason) in list(self.review.items()):
            if reason != pair.possible:
                continue
            if cluster_of.get(key[0]) == cluster_of.get(key[1]) or told_apart(*key):
                del self.review[key]


def triage(
    pairs: Iterable[ScoredPair],
    key: Callable[[object], object],
    skip=frozenset(),
    the_child: Callable[[tuple], bool] | None = None,
) -> Triage:
    """Sort scored pairs by their decisions; pairs in `skip` (decided by a reviewer) are left out.
    `the_child(pair_key)`: whether a pair held as a child and a same-named adult without a date of birth is
    the child after all, because the record without one comes from a service that works only with children
    (ages_served.only_a_child); such a pair the model would link is linked, not held."""
    sorted_pairs = Triage()
    for pair in pairs:
        pair_key = tuple(sorted((key(pair.left), key(pair.right))))
        if pair_key in skip:
            continue
        sorted_pairs.best[pair_key] = pair
        decision = pair.decision
        if (
            decision == "possible"
            and pair.possible == possible.CHILD_OR_NAMESAKE_PARENT
            and pair.probability >= LINK_AT
            and not pair.veto
            and the_child is not None
            and the_child(pair_key)
        ):
            decision = "link"
        if decision == "link":
            sorted_pairs.links.append((*pair_key, 1.0 if pair.nhs_agrees else pair.probability))
        elif decision == "review":
            sorted_pairs.review[pair_key] = (pair, BETWEEN)
        elif decision == "possible":
            sorted_pairs.review[pair_key] = (pair, pair.possible)
        if pair.veto and not pair.nhs_agrees:
            sorted_pairs.cannot.append(pair_key)
    _hold_namesakes(sorted_pairs)
    return sorted_pairs


_DOB = [c["output_column_name"] for c in fs_model.COMPARISONS].index("date_of_birth")


def _hold_namesakes(sorted_pairs: Triage) -> None:
    """A record held back from a same-named child (possible.HOLD_LINK) is not linked instead to someone else
    on its name and address alone: it matches a child and an adult of one name, and which it is, is a guess.
    Its links without a date of birth to go on become pairs to review, as an ambiguous record's do."""
    held = {
        record
        for key, (pair, reason) in sorted_pairs.review.items()
        if reason in possible.HOLD_LINK
        for record in key
    }
    if not held:
        return
    kept = []
    for link in sorted_pairs.links:
        key = (link[0], link[1])
        pair = sorted_pairs.best[key]
        if (key[0] in held or key[1] in held) and not pair.nhs_agrees and pair.evidence[_DOB] == -1:
            sorted_pairs.review.setdefault(key, (pair, AMBIGUOUS))
        else:
            kept.append(link)
    sorted_pairs.links = kept
