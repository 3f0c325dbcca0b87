"""Households: the people living at a person's current address now, and the addresses they lived at before.

A person's current address is the address of the partner record with their most recent involvement (a
partner record carries the address of its own latest involvement). Two addresses are the same dwelling when
both have a UPRN and the UPRNs agree or, failing a UPRN on either side, when their standardised keys agree
(`standardise.address_key`: postcode, number or house name, flat and street). An address with neither a UPRN
nor both a postcode and a number or house name is not one dwelling ("12 High Street" is many in a region), so
it makes no household: strangers are never grouped on a street name.

These are services, not views: whoever shows their results decides what the viewer may see.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q

from mast.feeds.models import Involvement, PartnerRecord
from mast.identity.matching.addresses import address_key, normalise_uprn
from mast.identity.matching.names import normalise_name
from mast.identity.matching.postcodes import normalise_postcode
from mast.identity.models import Person

ADDRESS_FIELDS = ("address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn")


@dataclass(frozen=True)
class Place:
    """An address as given, with what is needed to compare it."""

    uprn: str  # digits, without zero padding
    key: str  # address_key without the UPRN: "" when the address is not specific enough to be one dwelling
    text: str
    given_postcode: str = ""
    given_uprn: str = ""

    @classmethod
    def of(cls, values: dict) -> "Place":
        lines = [(values.get(name) or "").strip() for name in ADDRESS_FIELDS[:3]]
        postcode = (values.get("postcode") or "").strip()
        text = ", ".join(part for part in (*lines, (values.get("town") or "").strip(), postcode) if part)
        uprn = (values.get("uprn") or "").strip()
        return cls(normalise_uprn(uprn), address_key(*lines, postcode), text, postcode, uprn)

    @property
    def is_dwelling(self) -> bool:
        return bool(self.uprn or self.key)

    @property
    def standard_key(self) -> str:
        """The standardised address: UPRN when present, else the address key; the cleaned text for vaguer
        addresses (used only to tell former addresses apart, never to group people)."""
        if self.uprn:
            return f"uprn:{self.uprn}"
        if self.key:
            return self.key
        return f"text:{normalise_name(self.text)}" if self.text else ""

    def same_dwelling(self, other: "Place") -> bool:
        if self.uprn and other.uprn:
            return self.uprn == other.uprn
        return bool(self.key) and self.key == other.key

    def same_address(self, other: "Place") -> bool:
        return self.same_dwelling(other) or (
            not (self.is_dwelling and other.is_dwelling) and self.standard_key == other.standard_key
        )


@dataclass(frozen=True)
class HouseholdMember:
    person: Person
    display_name: str
    date_of_birth: dt.date | None
    shared_address_text: str


@dataclass(frozen=True)
class FormerAddress:
    key: str  # the standardised address (see Place.standard_key)
    text: str  # as the most recent involvement there gave it
    last_seen: dt.date  # the start of the most recent involvement there


@dataclass(frozen=True)
class _Current:
    place: Place
    since: dt.date | None
    display_name: str
    date_of_birth: dt.date | None


def _current(person_ids) -> dict[int, _Current]:
    """Each person's current address, name and date of birth, from their partner record with the most recent
    involvement (ties go to the record loaded last)."""
    rows = (
        PartnerRecord.objects.filter(
            link__person_id__in=person_ids, link__person__status=Person.Status.ACTIVE, removed_at__isnull=True
        )
        .annotate(latest=Max("involvements__start_date", filter=Q(involvements__removed_at__isnull=True)))
        .values(
            "pk", "link__person_id", "latest", "given_name", "family_name", "date_of_birth", *ADDRESS_FIELDS
        )
    )
    chosen: dict[int, dict] = {}
    birth: dict[int, dt.date] = {}
    for row in rows:
        person = row["link__person_id"]
        order = (row["latest"] or dt.date.min, row["pk"])
        if person not in chosen or order > (chosen[person]["latest"] or dt.date.min, chosen[person]["pk"]):
            chosen[person] = row
        if row["date_of_birth"] and person not in birth:
            birth[person] = row["date_of_birth"]
    return {
        person: _Current(
            place=Place.of(row),
            since=row["latest"],
            display_name=f"{row['given_name']} {row['family_name']}".strip(),
            # A record without a date of birth borrows one from the person's other records.
            date_of_birth=row["date_of_birth"] or birth.get(person),
        )
        for person, row in chosen.items()
    }


def current_address(person: Person) -> Place | None:
    current = _current([person.pk]).get(person.pk)
    return current.place if current else None


def household_of(person: Person) -> list[HouseholdMember]:
    """The other active people whose current address is this person's current address: oldest first."""
    mine = _current([person.pk]).get(person.pk)
    if mine is None or not mine.place.is_dwelling:
        return []
    here = mine.place
    # Narrow the search to records that could be at the same dwelling, then compare properly.
    nearby = Q(pk__in=[])
    if here.uprn:
        nearby |= Q(uprn__in={here.uprn, here.uprn.zfill(12), here.given_uprn})
    if here.key:
        postcode = normalise_postcode(here.given_postcode)
        nearby |= Q(postcode__in={here.given_postcode, postcode, postcode.replace(" ", "")})
    candidates = set(
        PartnerRecord.objects.filter(
            nearby, removed_at__isnull=True, link__person__status=Person.Status.ACTIVE
        )
        .exclude(link__person=person)
        .values_list("link__person_id", flat=True)
    )
    if not candidates:
        return []
    theirs = _current(candidates)
    people = Person.objects.in_bulk(
        [pk for pk, current in theirs.items() if current.place.same_dwelling(here)]
    )
    members = [
        HouseholdMember(
            person=people[pk],
            display_name=theirs[pk].display_name,
            date_of_birth=theirs[pk].date_of_birth,
            shared_address_text=here.text,
        )
        for pk in people
    ]
    return sorted(
        members, key=lambda m: (m.date_of_birth is None, m.date_of_birth or dt.date.min, m.display_name)
    )


def former_addresses(person: Person) -> list[FormerAddress]:
    """The distinct addresses of this person's involvements before the current one, newest first."""
    involvements = (
        Involvement.objects.filter(
            partner_record__link__person=person,
            partner_record__removed_at__isnull=True,
            removed_at__isnull=True,
        )
        .order_by("-start_date", "-pk")
        .values("start_date", *ADDRESS_FIELDS)
    )
    mine = _current([person.pk]).get(person.pk)
    if mine is None:
        return []
    seen = [mine.place]
    former = []
    for involvement in involvements:
        place = Place.of(involvement)
        if not place.standard_key or any(place.same_address(other) for other in seen):
            continue
        seen.append(place)
        former.append(FormerAddress(place.standard_key, place.text, involvement["start_date"]))
    return former
