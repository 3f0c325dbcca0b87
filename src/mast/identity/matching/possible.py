"""Possible matches: pairs MAST must never link by itself, and must never drop either.

Some pairs of records cannot be told from relatives by any score. Twins share surname, date of birth and
address and differ only in given name — which is also what one person looks like when one partner records
them under their middle name. A parent and child with the same name at the same address differ only in date of
birth — which is also what a date of birth keyed wrongly looks like. The rules in linkage.py veto such pairs,
so they are never linked automatically; before this module the veto was also the end of them, and a child
known to two agencies could be shown as "not known" with no trace anywhere.

So a vetoed pair whose other evidence agrees in one of the shapes below is a *possible match*: it goes to the
review queue with a reason a reviewer understands, and until someone decides, each person's page says the
person is "possibly also recorded as" the other. The shapes are narrow on purpose — everything but the one
field agreeing, and the address the same dwelling — so that the queue stays short enough to be worked: on
the synthetic regions they are a few pairs in a thousand.

A possible pair is dropped again when something already tells the two apart (`told_apart`): a middle name
recorded on either side but not the same on both (a person known by their middle name is recorded without
one), different valid NHS numbers between the two people, a reviewer's earlier "not the same person" between
them, a partner's own record that they are related (a parent and child, siblings, partners: two people), or
the ages the services that know them work with (ages_served.py: an adult-care assessment is not a child's).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from mast.identity.matching.ages_served import AgesKnown, apart_by_age

TWINS_OR_MIDDLE_NAME = (
    "Same surname, date of birth and address, different first name: could be twins, or one person recorded "
    "under a middle name"
)
SAME_NAME_BORN_APART = (
    "Same name and address, dates of birth far apart: could be a parent and child with the same name, or a "
    "date of birth recorded wrongly"
)
BOTH_NAMES_DIFFERENT = (
    "Same date of birth and address, both names different: could be one person recorded under other names, "
    "or two people born on the same day"
)
SURNAME_CHANGED = (
    "Same first name, date of birth and address, different surname: could be a change of name (marriage), "
    "or a relative"
)
CHILD_OR_NAMESAKE_PARENT = (
    "Same name and address, no date of birth on one record and the other a child's: could be the child, or a "
    "parent with the same name"
)
ALIKE_NO_DATE_OF_BIRTH = (
    "Same surname and address, first names alike, no date of birth on one record: could be one person's name "
    "spelt two ways, or a brother or sister"
)
REASONS = (
    TWINS_OR_MIDDLE_NAME,
    ALIKE_NO_DATE_OF_BIRTH,
    SAME_NAME_BORN_APART,
    BOTH_NAMES_DIFFERENT,
    SURNAME_CHANGED,
    CHILD_OR_NAMESAKE_PARENT,
)
# Possible even when the model would link: the score cannot see what these reasons name.
HOLD_LINK = frozenset((CHILD_OR_NAMESAKE_PARENT,))
ADULT_AT = 18

# Level labels, as model.py writes them, that count as agreement for these rules.
GIVEN_EXACT = "Same given name"
GIVEN_SAME = {GIVEN_EXACT, "Nickname or variant of the same name"}
SWAPPED = "Given and family names swapped"
INITIAL = "One given name is the other's initial"
GIVEN_CLOSE = GIVEN_SAME | {
    "Given names within a typo",
    "Given names two keying slips apart, one no known name",
    SWAPPED,
}
FAMILY_CLOSE = {
    "Same family name",
    "A former, alias or double-barrelled family name agrees",
    "Family names sound the same",
    "Family names within a typo",
    "Family names two keying slips apart",
    SWAPPED,
}
FAMILY_DIFFERENT = {"Different family names", "Different family names, a woman's (she may have married)"}
DOB_SAME = {"Same date of birth"}
DOB_CLOSE = DOB_SAME | {
    "Day and month transposed",
    "Dates of birth one keyed digit apart",
    "Same birthday, a year apart",
}
DWELLING_SAME = {"Same address", "Same house and street", "Same house and street, one postcode missing"}
# Twins, or one person under their middle name, after a move of house: the street or the postcode agree.
NEARBY = DWELLING_SAME | {"Same postcode", "Same street"}
NHS_VETO = "The NHS numbers are different"
DOB_VETO = "The dates of birth are different"
GIVEN_VETO = "The given names are different names"
MIDDLE_VETO = "The middle names are different"


# Given names that look like one name's spellings or forms (Jasmine and Jazmin, Christina and Chrissie): a
# middle name on one record does not tell these apart, since it rules out only a person known by their
# middle name, not a name spelt two ways.
ALIKE_GIVEN_NAMES = (
    '("given_name_dm_l" = "given_name_dm_r" OR substr("given_name_l", 1, 3) = substr("given_name_r", 1, 3)'
    ' OR (substr("given_name_l", 1, 1) = substr("given_name_r", 1, 1)'
    ' AND jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.8))'
)
# One of the two given names is no name — no name list holds it and fewer than three records carry it — and
# it is two keying slips or fewer from the other ("Ijm" for Kim, "Uss" for Sue: too short for any likeness
# measure). Twins are given two real names. Both conditions: a real name the lists do not hold (Isla) is
# "no name" in a small region, and a twin called Isla is still told apart from an Amelia by a middle name.
NOT_BOTH_NAMES = (
    '(NOT coalesce("given_name_known_l" AND "given_name_known_r", false)'
    ' AND damerau_levenshtein("given_name_l", "given_name_r") <= 2)'
)
# A pet form taken from inside the name ("Baldie" and "Archibald"): the short name's stem, three letters or
# more, found in the longer.
STEM_INSIDE = (
    '((length("given_name_l") < length("given_name_r") AND length("given_name_stem_l") >= 3'
    ' AND contains("given_name_r", "given_name_stem_l"))'
    ' OR (length("given_name_r") < length("given_name_l") AND length("given_name_stem_r") >= 3'
    ' AND contains("given_name_l", "given_name_stem_r")))'
)
# Given names that may be one name however its record was keyed, for pairs everything else says are one
# person (twins' shape): a middle name on one record does not tell these apart either. Besides the alike
# names above, a spelling with a slip in it ("Hqnnah" and "Hana", "Jasmine" and "Yasmin": Jaro-Winkler 0.75
# or more, whatever the first letter) and a pet form taken from inside the name ("Gina" and "Georgina",
# "Bertie" and "Albert": the short name's stem, three letters or more, found in the longer). Before, these
# pairs were dropped with no trace though the model scored them as one person. On the tuning regions (seeds
# 1, 3, 4) this made 6 more possible pairs, all truly one person: twins' names are not this alike there.
# And a pet form that keeps only the name's first letter ("Dodie" and "Dorothy", "Dpdie" with a slip): 4 more
# pairs on those seeds, all one person, none twins (issue 12, fourth pass). Twins given names that begin
# alike (Sophie and Sarah) are put to a reviewer by this, not linked; told apart by any of `told_apart`.
# Not for the shape without a date of birth: there, names this alike are mostly a brother and sister
# (Christopher and Christina, Kelly and Kerry: 44 pairs of two people to 5 of one on those seeds).
MAYBE_ONE_GIVEN_NAME = (
    f'({ALIKE_GIVEN_NAMES} OR jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.75'
    f" OR {STEM_INSIDE}"
    ' OR substr("given_name_l", 1, 1) = substr("given_name_r", 1, 1)'
    f" OR {NOT_BOTH_NAMES})"
)


@dataclass(frozen=True)
class Shape:
    reason: str
    veto: str  # the veto the pair carries ("" for none: a pair the model scored too low to review)
    levels: dict  # comparison → the level labels it must be at
    # Different given names: a middle name on either record tells the two apart (see module docstring).
    no_middle_names: bool = False
    # The same given name: two different middle names tell a same-named parent and child apart.
    same_middle_names: bool = False
    # A condition of its own, in SQL over the scored pair's retained columns.
    sql: str = ""
    # Not possible after all when both records give the same given name and the same middle name: a
    # same-named parent and child would need the same middle name too.
    unless_both_names: bool = False


SHAPES = (
    Shape(
        TWINS_OR_MIDDLE_NAME,
        GIVEN_VETO,
        {"family_name": FAMILY_CLOSE, "date_of_birth": DOB_CLOSE, "address": NEARBY},
        no_middle_names=True,
    ),
    # A spelling or pet form no list holds ("Dodie" and "Dorothy", "Bertie", "Albert"), with no date of birth
    # on one side to say whether these are one person or two children of one family. Only alike names: a
    # brother and sister with different names at one address are every household with children.
    Shape(
        ALIKE_NO_DATE_OF_BIRTH,
        GIVEN_VETO,
        {"family_name": FAMILY_CLOSE, "date_of_birth": {"Date of birth missing"}, "address": DWELLING_SAME},
        same_middle_names=True,
        sql=f"({ALIKE_GIVEN_NAMES} OR {STEM_INSIDE})",
    ),
    # The same dwelling, not only the very same address line: a married woman known by a pet form no list
    # holds ("Detta Pemberton", "Bernadette Lucas"), one partner without the postcode. On seeds 1, 3, 4 this
    # added 10 pairs, 9 truly one person.
    Shape(
        BOTH_NAMES_DIFFERENT,
        GIVEN_VETO,
        {"family_name": FAMILY_DIFFERENT, "date_of_birth": DOB_SAME, "address": DWELLING_SAME},
    ),
    Shape(
        SAME_NAME_BORN_APART,
        DOB_VETO,
        {"given_name": GIVEN_CLOSE, "family_name": FAMILY_CLOSE, "address": NEARBY},
        same_middle_names=True,
    ),
    # A record with no date of birth, the same name and address as a child: a mother and daughter both
    # called Lisa Stokes look exactly like this, and the model, which knows nothing of ages, links them.
    # Unless both records give the same given name and the same middle name ("Lily May Stokes" twice): a
    # parent named after their child in both names is not a shape the tuning regions hold (none of the 50
    # such pairs on seeds 1, 3, 4 is two people), so the model's score decides, as for any pair.
    Shape(
        CHILD_OR_NAMESAKE_PARENT,
        "",
        {"given_name": GIVEN_CLOSE | {INITIAL}, "family_name": FAMILY_CLOSE,
         "date_of_birth": {"Date of birth missing"}, "address": NEARBY},
        same_middle_names=True,
        sql=f"""coalesce("dob_l", "dob_r") > strftime(current_date - INTERVAL {ADULT_AT} YEAR, '%Y-%m-%d')""",
        unless_both_names=True,
    ),
    Shape(
        SURNAME_CHANGED,
        "",
        {"given_name": GIVEN_SAME, "family_name": FAMILY_DIFFERENT, "date_of_birth": DOB_SAME,
         "address": DWELLING_SAME},
    ),
)  # fmt: skip


def sql_case(labels: Mapping[str, Mapping[int, str]], veto_sql: str) -> str:
    """The same rules as one SQL expression over Splink's scored pairs (gamma columns, the retained middle
    name columns and `veto_sql`, the pair's veto), so that millions of pairs are sorted in DuckDB rather than
    one by one in Python. `labels`: comparison → gamma → level label, as the saved model gives them. A shape
    whose levels the model lacks is left out."""
    cases = []
    for shape in SHAPES:
        conditions = [f"({veto_sql}) = '{shape.veto}'"]
        for comparison, wanted in shape.levels.items():
            gammas = sorted(g for g, label in labels.get(comparison, {}).items() if label in wanted)
            if not gammas:
                break
            conditions.append(f'"gamma_{comparison}" IN ({", ".join(str(g) for g in gammas)})')
        else:
            if shape.no_middle_names:
                conditions.append(
                    '(("middle_name_l" IS NULL AND "middle_name_r" IS NULL)'
                    ' OR "middle_name_l" = "middle_name_r"'
                    f" OR {MAYBE_ONE_GIVEN_NAME})"
                )
            if shape.sql:
                conditions.append(f"({shape.sql})")
            if shape.same_middle_names:
                conditions.append('NOT coalesce("middle_name_l" <> "middle_name_r", false)')
            same_given = sorted(
                g for g, label in labels.get("given_name", {}).items() if label == GIVEN_EXACT
            )
            if shape.unless_both_names and same_given:
                conditions.append(
                    f'NOT (coalesce("middle_name_l" = "middle_name_r", false)'
                    f' AND "gamma_given_name" = {same_given[0]})'
                )
            reason_text = shape.reason.replace("'", "''")
            cases.append(f"WHEN {' AND '.join(conditions)} THEN '{reason_text}'")
    return f"CASE {' '.join(cases)} ELSE '' END" if cases else "''"


@dataclass
class PersonFacts:
    """What the records of one person (a cluster) say that can tell two people apart."""

    nhs_numbers: set = field(default_factory=set)
    sources: set = field(default_factory=set)
    ages: AgesKnown = field(default_factory=AgesKnown)


def told_apart(left: PersonFacts, right: PersonFacts, decided_different: bool = False) -> bool:
    """Whether something already tells two people apart, so that a possible pair between their records is
    not possible after all:

    - a reviewer decided a pair of their records were not the same person, or a partner records one of them
      as the other's relative (`decided_different` covers both: either is a person's word that they are two);
    - both have valid NHS numbers, and none in common;
    - two or more agencies each know each of them as they are (records from two sources on both sides). The
      records a possible pair hides — a person under their middle name, a date of birth keyed wrongly — are
      one partner's view; twins and a same-named parent and child each known to several agencies are two
      people that the partnership as a whole already knows apart;
    - a service that knows one of them does not work with people of the other's age (ages_served.py): a
      same-named mother and baby, one known to maternity, the other to health visiting.
    """
    if decided_different or apart_by_age(left.ages, right.ages):
        return True
    if left.nhs_numbers and right.nhs_numbers and left.nhs_numbers.isdisjoint(right.nhs_numbers):
        return True
    return len(left.sources) >= 2 and len(right.sources) >= 2


def told_apart_in(
    clustering,
    facts: Mapping,
    different: Iterable[tuple] = (),
    related: Iterable[tuple] = (),
    ages: Mapping = MappingProxyType({}),
) -> Callable[[object, object], bool]:
    """`told_apart` for two records of a clustering. `facts`: record → (valid NHS number or None, source),
    for at least every record of every person a possible pair touches; `different`: pairs of records a
    reviewer decided were not the same person; `related`: pairs of records a partner's relationships file
    says are related (family.py). A same-named father and son are one possible pair to the model; the police,
    who hold both as "father" and "child", already know they are two people, and a practitioner should not be
    told otherwise on either one's page. On the tuning regions (seeds 3 and 4) this told apart 70 of the 390
    possible pairs, and none that were truly one person. `ages`: record → (whole date of birth or None,
    its involvements as ages_served.Seen), for the same records as `facts` (any left out say nothing)."""
    cluster_of = clustering.cluster_of()
    people: dict[int, PersonFacts] = defaultdict(PersonFacts)
    for record, (nhs_number, source) in facts.items():
        person = people[cluster_of[record]]
        if nhs_number:
            person.nhs_numbers.add(nhs_number)
        person.sources.add(source)
        if record in ages:
            person.ages.add(*ages[record])
    apart = {
        frozenset((cluster_of[a], cluster_of[b]))
        for pairs in (different, related)
        for a, b, *_kind in pairs
        if a in cluster_of and b in cluster_of
    }

    def check(a, b) -> bool:
        left, right = cluster_of[a], cluster_of[b]
        return told_apart(people[left], people[right], frozenset((left, right)) in apart)

    return check
