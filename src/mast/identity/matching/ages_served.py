"""Which service a record comes from says how old its person was: two people told apart by the ages their
services serve.

A mother and her baby with the same name at the same address, or a father and son, look to the model like
one person whose date of birth was keyed wrongly, or was not recorded at all. Names and addresses cannot tell
them apart; the services that know them often can. Children's social care, health visiting and school
nursing work with children; adult social care and probation with adults; maternity with a woman who has
given birth. So a record of an adult-care assessment cannot be the record of a child born ten years before
it, whatever its name — and a possible match between the two is two people, not a question for a reviewer.

The rule trusts a date of birth only when something vouches for it, because the other shape these pairs
take is one person with one date of birth recorded wrongly (a relative's, given from memory): the date is
vouched for when two of the person's records agree on it, or when it fits the ages served by the service
that recorded it. A date of birth from one police or emergency-department record alone (services that
see anyone) vouches for nothing, so such a pair stays possible and a reviewer decides.

A partner's relationships file says something about age too (`kin_seen`): a record the police list as a
child's parent was old enough to be a parent when that child was born, and one listed as someone's child was
born well after that parent. These bounds tell two people apart as a service's ages do, but never vouch for
a date of birth: "older than twelve at the child's birth" fits nearly any adult's date, keyed right or wrong.

Pure: no Django. Callers hand in each record's date of birth and its involvements' (category, start date).
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mast.canonical import RELATIONSHIP_INVERSE

# Age in whole years at an involvement's start that each service works with: (youngest, oldest), None for
# no bound. Children's social care assesses unborn children (a start in the year before birth), so its
# youngest is -1; it stops at 18 (care leavers' support after that is not one of these categories). Health
# visiting is from the antenatal visit to five; school nursing the school years. Adult social care and
# probation are 18 and over (youth justice is not probation). Maternity is the mother, never the baby: 12
# and over to leave room for the youngest mothers. A fire home-safety visit is arranged with the occupier of
# the home, 16 and over (the youngest who can hold a tenancy); the children of the house are not its
# subject. Categories that see anyone (police, emergency department, a fire incident) are not listed.
AGES_SERVED: dict[str, tuple[int | None, int | None]] = {
    "csc_contact": (-1, 17),
    "csc_assessment": (-1, 17),
    "child_in_need": (-1, 17),
    "child_protection": (-1, 17),
    "looked_after": (-1, 17),
    "health_visiting": (-1, 5),
    "school_nursing": (4, 19),
    "adult_safeguarding_enquiry": (18, None),
    "adult_care_assessment": (18, None),
    "probation_supervision": (18, None),
    "maternity": (12, None),
    "fire_home_safety_visit": (16, None),
}


# A parent is at least this old when their child is born: the youngest mothers, as for maternity above.
PARENT_AT_LEAST = 12
# What a relationships file says, read as an age on a day (Seen.start): "parent_of" on the day the record's
# child was born, its person at least PARENT_AT_LEAST; "child_of" on the day the record's parent was born,
# its person not yet born for PARENT_AT_LEAST more years.
PARENT_OF, CHILD_OF = "parent_of", "child_of"
KIN_AGES: dict[str, tuple[int | None, int | None]] = {
    PARENT_OF: (PARENT_AT_LEAST, None),
    CHILD_OF: (None, -PARENT_AT_LEAST),
}
# Services that see anyone still see only people already born: a police incident, an emergency attendance or
# a fire from before a baby's birth is not the baby's (children's social care and health visiting, which
# start before birth, are above). Like the relationships' bounds, these never vouch for a date of birth:
# nearly every date fits them.
SEES_THE_BORN: dict[str, tuple[int | None, int | None]] = {
    category: (0, None)
    for category in (
        "police_attendance",
        "domestic_abuse",
        "missing_episode",
        "concern_for_welfare",
        "ed_attendance",
        "fire_incident",
    )
}
# The categories whose involvements say something about age (what the server reads for each record).
AGE_BOUNDED = AGES_SERVED | SEES_THE_BORN
_BANDS = AGE_BOUNDED | KIN_AGES

ADULT = 20  # a service whose oldest is below this works with children (school nursing runs to 19)


@dataclass(frozen=True)
class Seen:
    """One involvement as matching reads it: what kind, and when it started."""

    category: str
    start: date


@dataclass
class AgesKnown:
    """What one person's records say about their age: each record's date of birth and involvements."""

    born: list[date] = field(default_factory=list)  # one per record that has one (repeats count)
    seen: list[tuple[date | None, Seen]] = field(default_factory=list)  # (that record's birth, involvement)

    def add(self, born: date | None, seen: Iterable[Seen]) -> None:
        if born:
            self.born.append(born)
        self.seen.extend((born, s) for s in seen if s.category in _BANDS)

    def vouched(self) -> set[date]:
        """Dates of birth something vouches for: given by two records, or fitting the service that gave it
        (a relationship's bound is too wide to vouch for anything)."""
        counts = Counter(self.born)
        twice = {born for born, n in counts.items() if n >= 2}
        fitting = {born for born, s in self.seen if born and s.category in AGES_SERVED and serves(s, born)}
        return twice | fitting


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day` (negative before birth)."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def serves(seen: Seen, born: date) -> bool:
    """Whether a person born on `born` could be the subject of this involvement."""
    youngest, oldest = _BANDS.get(seen.category, (None, None))
    age = age_on(born, seen.start)
    return (youngest is None or age >= youngest) and (oldest is None or age <= oldest)


def only_a_child(seen: Iterable[Seen], child_born: date) -> bool:
    """Whether a record without a date of birth is a child's: each of its involvements with a service that
    works with one age group is with a children's service (one that stops before adulthood), and each fits a
    child born on `child_born`. A same-named parent cannot be the subject of these; so the record held back
    from the child as maybe the parent's (possible.CHILD_OR_NAMESAKE_PARENT) is the child's.

    Or, with no such service to go on, its partner lists its own parent, born too late for the record's
    person to be old enough to be the parent of a child born on `child_born` (and the record fits that
    child: not listed as a parent of someone born too early for it). A parent of the child would have been
    born PARENT_AT_LEAST years before them, and a child of that parent PARENT_AT_LEAST years later still."""
    seen = list(seen)
    banded = [s for s in seen if s.category in AGES_SERVED]
    if banded:
        return all(
            AGES_SERVED[s.category][1] is not None
            and AGES_SERVED[s.category][1] < ADULT
            and serves(s, child_born)
            for s in banded
        )
    kin = [s for s in seen if s.category in KIN_AGES]
    return any(
        s.category == CHILD_OF and age_on(s.start, child_born) < 2 * PARENT_AT_LEAST for s in kin
    ) and all(serves(s, child_born) for s in kin)


def kin_seen(kind: str, related_born: date | None) -> Seen | None:
    """A relationships-file row as an age bound on the record it is read for: `kind` is what the related
    record is to it (the file's `relationship`: "parent" or "child"; the others say nothing about age) and
    `related_born` the related record's whole date of birth (None: nothing to bound by)."""
    if related_born is None:
        return None
    if kind == "parent":
        return Seen(CHILD_OF, related_born)
    if kind == "child":
        return Seen(PARENT_OF, related_born)
    return None


def kin_bounds(rows: Iterable[tuple], born: Mapping) -> dict[object, list[Seen]]:
    """Relationships-file rows (record, related record, relationship) → each record's age bounds
    (`kin_seen`), read both ways: "B is A's parent" bounds A by B's date of birth and B by A's. `born`: record
    → whole date of birth or None."""
    bounds: dict[object, list[Seen]] = {}
    for record, related, *kind in rows:
        inverse = RELATIONSHIP_INVERSE.get(kind[0]) if kind else None
        if inverse is None:
            continue
        for this, other, said in ((record, related, kind[0]), (related, record, inverse)):
            bound = kin_seen(said, born.get(other))
            if bound is not None:
                bounds.setdefault(this, []).append(bound)
    return bounds


def the_child_in(born: Mapping, seen: Mapping) -> Callable[[tuple], bool]:
    """`only_a_child` for a pair of records (triage's `the_child`): `born` is record → whole date of birth
    (or None), `seen` record → its involvements. True when one record has no date of birth and is, by its
    services, a child of the other's date of birth."""

    def check(pair_key: tuple) -> bool:
        a, b = pair_key
        for without, child in ((a, b), (b, a)):
            if (
                born.get(without) is None
                and born.get(child)
                and only_a_child(seen.get(without, ()), born[child])
            ):
                return True
        return False

    return check


def apart_by_age(left: AgesKnown, right: AgesKnown) -> bool:
    """Whether the two cannot be one person by the ages their services serve: one's vouched date of birth
    falls outside what a service that knows the other works with, and that service's own record does not
    contradict it (its date of birth, if any, fits). Either way round."""
    return _excludes(left, right) or _excludes(right, left)


def _excludes(person: AgesKnown, other: AgesKnown) -> bool:
    vouched = person.vouched()
    if not vouched:
        return False
    for born, seen in other.seen:
        if born is not None and not serves(seen, born):
            continue  # the other's own record does not fit its service: its date is what is wrong
        if not any(serves(seen, date_of_birth) for date_of_birth in vouched):
            return True
    return False
