"""Measuring matching against a synthetic region's ground truth: pairwise precision and recall, overall
and for each hard case.

A pair of partner records is a true match when the truth gives them the same person. The matcher's links
are the pairs that end up in the same cluster; its review queue is the pairs it asked a person to decide.
Hard cases that should link (nicknames, moves, married names, duplicates within one partner) are measured by
recall; hard cases that must not link (twins, siblings, a parent and child with the same given name) by the
links made in error.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations

Key = Hashable  # a partner record: (source, person_ref)

POSITIVE_CASES = {
    "nickname": lambda a, b: "nickname" in a.tags or "nickname" in b.tags,
    # Nicknames and spellings from a list the matcher was not handed, and its lists do not hold (issue 22).
    "variant_unseen": lambda a, b: "variant_unseen" in a.tags or "variant_unseen" in b.tags,
    "spelling": lambda a, b: bool({"spelling", "spelling_family_name"} & (a.tags | b.tags)),
    "typo": lambda a, b: bool({"typo_given_name", "typo_family_name"} & (a.tags | b.tags)),
    "moved": lambda a, b: ("old_address" in a.tags) != ("old_address" in b.tags),
    "married_name": lambda a, b: ("birth_surname" in a.tags) != ("birth_surname" in b.tags),
    "date_of_birth_error": lambda a, b: bool(
        {"dob_swapped", "dob_typo", "dob_partial", "dob_missing"} & (a.tags | b.tags)
    ),
    "duplicate_within_partner": lambda a, b: a.source == b.source,
    # One partner records the middle name as the given name; only a record holding both names can tell this
    # person from a twin (see docs/identity.md, "How good is it").
    "known_by_middle_name": lambda a, b: (
        ("middle_name_as_given" in a.tags) != ("middle_name_as_given" in b.tags)
    ),
    # The errors issue 12 found in data made by others (docs/synthetic-data.md gives their rates).
    "names_swapped": lambda a, b: ("names_swapped" in a.tags) != ("names_swapped" in b.tags),
    "two_slips": lambda a, b: "typo_two_slips" in a.tags or "typo_two_slips" in b.tags,
    "ocr_misread": lambda a, b: bool({"ocr_given_name", "ocr_family_name"} & (a.tags | b.tags)),
    "date_of_birth_wrong": lambda a, b: ("dob_wrong" in a.tags) != ("dob_wrong" in b.tags),
    "given_initial": lambda a, b: ("given_initial" in a.tags) != ("given_initial" in b.tags),
    "full_name_in_family": lambda a, b: "full_name_in_family" in a.tags or "full_name_in_family" in b.tags,
    "title_in_name": lambda a, b: "title_in_name" in a.tags or "title_in_name" in b.tags,
}


@dataclass(frozen=True)
class TruthRecord:
    person_id: str
    source: str
    tags: frozenset[str]


@dataclass
class CaseScore:
    pairs: int = 0
    linked: int = 0
    reviewed: int = 0

    @property
    def recall(self) -> float:
        return self.linked / self.pairs if self.pairs else 1.0

    @property
    def recall_with_review(self) -> float:
        return (self.linked + self.reviewed) / self.pairs if self.pairs else 1.0


@dataclass
class ReasonScore:
    """The review pairs given one reason: how many, and how many of them are truly one person."""

    pairs: int = 0
    true: int = 0


@dataclass
class Report:
    true_pairs: int
    linked_pairs: int
    true_linked_pairs: int
    true_pairs_in_review: int
    review_pairs: int
    positive: dict[str, CaseScore] = field(default_factory=dict)
    wrong_links: dict[str, int] = field(default_factory=dict)
    pairs_of_kind: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, ReasonScore] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.true_linked_pairs / self.linked_pairs if self.linked_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_linked_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def recall_with_review(self) -> float:
        """Automatic links and pairs sent to review (linked or possible), as a share of true pairs."""
        if not self.true_pairs:
            return 1.0
        return (self.true_linked_pairs + self.true_pairs_in_review) / self.true_pairs

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def review_share(self) -> float:
        return self.true_pairs_in_review / self.true_pairs if self.true_pairs else 0.0

    def lines(self) -> list[str]:
        out = [
            f"automatic links: precision {self.precision:.4%}, recall {self.recall:.4%} "
            f"({self.true_linked_pairs:,} of {self.true_pairs:,} true pairs; "
            f"{self.linked_pairs:,} linked pairs)",
            f"review queue: {self.review_pairs:,} pairs, holding {self.review_share:.3%} of true pairs; "
            f"linked or in review: {self.recall_with_review:.4%}",
        ]
        for case, score in self.positive.items():
            out.append(
                f"  {case:<26} recall {score.recall:.2%} of {score.pairs:,} true pairs "
                f"({score.reviewed:,} in review: {score.recall_with_review:.2%} linked or in review)"
            )
        for reason, score in self.by_reason.items():
            share = score.true / score.pairs if score.pairs else 0.0
            out.append(f"  review: {score.pairs:,} pairs ({share:.1%} truly one person): {reason}")
        for case, wrong in self.wrong_links.items():
            out.append(f"  {case:<26} {wrong:,} wrong links among {self.pairs_of_kind[case]:,} pairs")
        return out


def evaluate(
    truth: dict[Key, TruthRecord],
    cluster_of: dict[Key, Hashable],
    review_pairs: Iterable[tuple[Key, Key]],
    people: dict[str, dict],
    reasons: dict[frozenset, str] | None = None,
) -> Report:
    """`people`: the truth's people.csv rows by person_id (for twin_of, same_name_as, household_id, role);
    `reasons`: why each review pair is in review, to report how many of each reason are truly one person."""
    review = {frozenset(p) for p in review_pairs}
    by_reason: dict[str, ReasonScore] = {}
    for pair, reason in (reasons or {}).items():
        a, b = tuple(pair)
        score = by_reason.setdefault(reason, ReasonScore())
        score.pairs += 1
        score.true += a in truth and b in truth and truth[a].person_id == truth[b].person_id
    by_person: dict[str, list[Key]] = defaultdict(list)
    for key, record in truth.items():
        by_person[record.person_id].append(key)

    true_pairs = true_linked = true_in_review = 0
    positive = {case: CaseScore() for case in POSITIVE_CASES}
    for keys in by_person.values():
        for a, b in combinations(keys, 2):
            true_pairs += 1
            linked = cluster_of.get(a) is not None and cluster_of.get(a) == cluster_of.get(b)
            in_review = not linked and frozenset((a, b)) in review
            true_linked += linked
            true_in_review += in_review
            for case, applies in POSITIVE_CASES.items():
                if applies(truth[a], truth[b]):
                    score = positive[case]
                    score.pairs += 1
                    score.linked += linked
                    score.reviewed += in_review

    by_cluster: dict[Hashable, list[Key]] = defaultdict(list)
    for key, cluster in cluster_of.items():
        by_cluster[cluster].append(key)
    linked_pairs = sum(len(keys) * (len(keys) - 1) // 2 for keys in by_cluster.values())

    wrong, kinds = _wrong_links(truth, cluster_of, by_person, people)
    return Report(
        true_pairs=true_pairs,
        linked_pairs=linked_pairs,
        true_linked_pairs=true_linked,
        true_pairs_in_review=true_in_review,
        review_pairs=len(review),
        positive={k: v for k, v in positive.items() if v.pairs},
        wrong_links=wrong,
        pairs_of_kind=kinds,
        by_reason=by_reason,
    )


def _wrong_links(truth, cluster_of, by_person, people) -> tuple[dict[str, int], dict[str, int]]:
    """Links between records of twins, of siblings, and of a parent and child with the same given name."""
    relations: dict[str, list[tuple[str, str]]] = {"twins": [], "siblings": [], "same_name_parent_child": []}
    by_household: dict[str, list[str]] = defaultdict(list)
    for person_id, person in people.items():
        if person_id in by_person:
            by_household[person["household_id"]].append(person_id)
        if person.get("twin_of") and person_id < person["twin_of"]:
            relations["twins"].append((person_id, person["twin_of"]))
        if person.get("same_name_as"):
            relations["same_name_parent_child"].append((person_id, person["same_name_as"]))
    for members in by_household.values():
        children = [p for p in members if people[p]["role"] == "child"]
        relations["siblings"] += [
            (a, b) for a, b in combinations(children, 2) if people[a].get("twin_of") != b
        ]
    wrong, kinds = {}, {}
    for kind, person_pairs in relations.items():
        count = errors = 0
        for a, b in person_pairs:
            for ka in by_person.get(a, ()):
                for kb in by_person.get(b, ()):
                    count += 1
                    errors += cluster_of.get(ka) is not None and cluster_of.get(ka) == cluster_of.get(kb)
        wrong[kind], kinds[kind] = errors, count
    return wrong, kinds
