"""The person page's contents: who they are, open cases and whom to call, the last 12 months (and a line per
agency for what it holds from before: `history`), family, household, addresses, and which partner records
were matched and how surely."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from mast.feeds.models import Involvement, PartnerRecord
from mast.feeds.problems import date_of_birth_text, record_date_of_birth
from mast.gate.gate import NotFound, Scope
from mast.identity.family import FamilyMember, family_of
from mast.identity.households import FormerAddress, Place
from mast.identity.models import Person, PersonLink
from mast.people import explain
from mast.people.address import PersonAtAddress, newest_standard_address, residents
from mast.people.history import KnownTo, OlderHistory, known_to, older_history
from mast.people.naming import person_name
from mast.people.possible import PossiblyAlso, possibly_also
from mast.people.redaction import InvolvementLine, in_window, line, withheld_records


class PersonNotFound(NotFound):
    message = "No person has this id."


@dataclass(frozen=True)
class MatchedRecord:
    agency: str
    source: str
    restricted: bool
    person_ref: str = ""
    name: str = ""
    date_of_birth: date | None = None
    how: str = ""
    probability: float | None = None
    explanation: tuple = ()
    because: str = ""  # people.explain: "same NHS number"
    strength: str = ""  # very strong, strong, possible, weak
    alone: bool = False  # no other record was matched to it: there is no match to describe or score


@dataclass(frozen=True)
class CurrentAddress:
    text: str
    address_id: int | None  # the address page, when MAST has standardised it
    place: Place
    public_id: str = ""  # the address page's URL


@dataclass(frozen=True)
class PersonSummary:
    person: Person
    name: str
    other_names: tuple[str, ...]
    date_of_birth: date | None
    sex: str
    nhs_number: str
    # Every agency holding a record, however old, with its latest involvement's date.
    known_to: tuple[KnownTo, ...]
    open_cases: tuple[InvolvementLine, ...]
    timeline: tuple[InvolvementLine, ...]
    shown_from: date
    current_address: CurrentAddress | None
    former_addresses: tuple[FormerAddress, ...]
    family: tuple[FamilyMember, ...]
    # The others whose current address is this person's: `address.residents`, as the address page says.
    household: tuple[PersonAtAddress, ...]
    # True when a partner restricted some of this person's records: their addresses are not shown.
    addresses_withheld: bool
    records: tuple[MatchedRecord, ...] = field(default=())
    # Per agency, what it holds from before the display window, in one line each.
    older: tuple[OlderHistory, ...] = field(default=())
    # Undecided possible matches with other people (people/possible.py).
    possibly_also: tuple[PossiblyAlso, ...] = field(default=())
    date_of_birth_shown: str = ""  # see people/search.py's PersonResult

    @property
    def public_id(self) -> uuid.UUID:
        return self.person.public_id

    @property
    def has_restricted(self) -> bool:
        """Whether anything here is withheld from this viewer as another agency's restricted record."""
        return (
            self.addresses_withheld
            or any(item.restricted for item in (*self.open_cases, *self.timeline, *self.records))
            or any(older.restricted for older in self.older)
        )


def find_person(public_id: uuid.UUID) -> Person:
    """The active person with this id, following merges; PersonNotFound if there is none."""
    person = Person.objects.filter(public_id=public_id).first()
    if person is not None:
        person = person.survivor()
    if person is None or person.status != Person.Status.ACTIVE:
        raise PersonNotFound(str(public_id))
    return person


def person_summary(scope: Scope, public_id: uuid.UUID) -> PersonSummary:
    person = find_person(public_id)
    records = list(
        PartnerRecord.objects.filter(link__person=person, removed_at__isnull=True)
        .select_related("source__agency", "link")
        .order_by("-updated_at", "-pk")
    )
    by_pk = {r.pk: r for r in records}
    involvements = list(
        Involvement.objects.filter(partner_record__in=list(by_pk), removed_at__isnull=True)
        .select_related("source__agency", "standard_address__address")
        .order_by("-start_date", "-pk")
    )
    for involvement in involvements:
        involvement.partner_record = by_pk[involvement.partner_record_id]
    hidden = withheld_records(
        scope, ((i.partner_record_id, i.partner_record.source.agency_id, i.restricted) for i in involvements)
    )
    visible = [r for r in records if r.pk not in hidden]
    lines = [line(scope, i) for i in involvements]
    shown = [(i, ln) for i, ln in zip(involvements, lines, strict=True) if in_window(scope, i)]
    current = _current_address(person, visible, involvements)
    withheld = bool(hidden)
    name = person_name(records, hidden)
    return PersonSummary(
        person=person,
        name=name,
        other_names=_other_names(visible, name),
        date_of_birth=_most_common(r.date_of_birth for r in visible or records),
        date_of_birth_shown=_date_of_birth_shown(visible or records),
        sex=_most_common(r.sex for r in visible) or "",
        nhs_number=_most_common(r.nhs_number for r in visible if r.nhs_number_valid) or "",
        known_to=known_to(scope, involvements),
        open_cases=tuple(ln for ln in lines if ln.is_open),
        timeline=tuple(ln for _, ln in shown),
        shown_from=scope.shown_from,
        current_address=current,
        former_addresses=() if withheld else tuple(_former(visible, involvements, current)),
        family=tuple(family_of(person, records)),
        household=()
        if withheld or current is None or current.address_id is None
        else tuple(residents(scope, current.address_id, besides=person.pk)),
        addresses_withheld=withheld,
        records=tuple(_matched(scope, records, hidden)),
        older=older_history(scope, involvements),
        possibly_also=possibly_also(scope, person),
    )


def _other_names(records, name: str) -> tuple[str, ...]:
    names = {f"{r.given_name} {r.family_name}".strip() for r in records}
    names.update(n.strip() for r in records for n in (r.other_names or "").split(";") if n.strip())
    return tuple(sorted(n for n in names if n.casefold() != name.casefold() and n))


def _date_of_birth_shown(records) -> str:
    """The most common valid date of birth; failing that, one recorded that is not a date, as recorded."""
    common = _most_common(r.date_of_birth for r in records)
    if common is not None:
        return date_of_birth_text(common, "", False)
    recorded = next((r for r in records if r.date_of_birth_raw), None)
    return record_date_of_birth(recorded) if recorded else "Not known"


def _most_common(values):
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _current_address(person: Person, visible, involvements) -> CurrentAddress | None:
    visible_ids = {r.pk for r in visible}
    for involvement in involvements:  # newest first
        if involvement.partner_record_id not in visible_ids:
            continue
        record = next(r for r in visible if r.pk == involvement.partner_record_id)
        place = Place.of(record.__dict__)
        if not place.text:
            continue
        # The address page's by the rule that says who lives where, so its link leads to a page that lists
        # this person as living there.
        standard = newest_standard_address(involvements)
        if standard is None:
            return CurrentAddress(place.text, None, place, "")
        return CurrentAddress(place.text, standard.address_id, place, str(standard.address.public_id))
    return None


def _former(visible, involvements, current: CurrentAddress | None) -> list[FormerAddress]:
    visible_ids = {r.pk for r in visible}
    seen: list[Place] = [current.place] if current is not None else []
    former = []
    for involvement in involvements:
        if involvement.partner_record_id not in visible_ids:
            continue
        place = Place.of(involvement.__dict__)
        if not place.standard_key:
            continue
        if any(place.same_address(other) for other in seen):
            continue
        seen.append(place)
        former.append(FormerAddress(place.standard_key, place.text, involvement.start_date))
    return former


# A record that no other record was matched to is not a failed match: "No match found" on the person page
# read as if the record were not theirs, so it is described as what it is.
_HOW = {**dict(PersonLink.Method.choices), PersonLink.Method.SINGLETON: "Not matched to another record"}


def _matched(scope: Scope, records, hidden: set[int]) -> list[MatchedRecord]:
    matched = []
    for record in records:
        agency = record.source.agency.name
        if record.pk in hidden:
            matched.append(MatchedRecord(agency=agency, source=record.source.name, restricted=True))
            continue
        link = getattr(record, "link", None)
        matched.append(
            MatchedRecord(
                agency=agency,
                source=record.source.name,
                restricted=False,
                person_ref=record.person_ref,
                name=f"{record.given_name} {record.family_name}".strip(),
                date_of_birth=record.date_of_birth,
                how=_HOW.get(link.method, "") if link else "",
                probability=link.match_probability if link else None,
                explanation=tuple(link.explanation or ()) if link else (),
                because=explain.because(link.explanation or ()) if link else "",
                strength=explain.strength(link.match_probability) if link else "",
                alone=bool(link) and link.method == PersonLink.Method.SINGLETON,
            )
        )
    return matched
