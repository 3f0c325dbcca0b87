"""The address page: who lives at an address, who else has been recorded there, and what has been recorded
there in the display window, each involvement with its person — what a social worker checks before a home
visit.

Who lives at an address is said once, here (`residents`), and the person page's "others at the current
address" asks the same question of the same function, so the two pages cannot disagree. A person lives at an
address when it is their current address: the standardised address of their newest involvement that has
one. A partner's restricted record never places anyone at an address for another agency's viewer (a refuge,
say): those are left out, and the agencies that restricted them are named.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, OuterRef

from mast.feeds.models import Involvement, PartnerRecord
from mast.feeds.problems import record_date_of_birth as date_of_birth_shown
from mast.gate.gate import NotFound, Scope
from mast.identity.models import Address, InvolvementAddress, Person
from mast.people.naming import naming_record, record_name
from mast.people.redaction import InvolvementLine, in_window, line, withheld_records

# What `naming` and `_at` read of a resident's records; the rest of a record (and its link's explanation) is
# not shown on the household.
_NAMING_FIELDS = (
    "updated_at",
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "date_of_birth_raw",
    "flags",
)


class AddressNotFound(NotFound):
    message = "No address has this id."


@dataclass(frozen=True)
class PersonAtAddress:
    public_id: str
    name: str
    date_of_birth: date | None
    last_seen: date
    date_of_birth_shown: str = ""  # see people/search.py's PersonResult


@dataclass(frozen=True)
class InvolvementHere:
    line: InvolvementLine
    # Blank when the involvement is restricted from the viewer: they are told whom to contact instead.
    public_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class AddressSummary:
    address: Address
    # Living here: their current address is this one.
    residents: tuple[PersonAtAddress, ...]
    # Recorded here in the display window, but living elsewhere now (or their current address is not known).
    others: tuple[PersonAtAddress, ...]
    involvements: tuple[InvolvementHere, ...]
    shown_from: date
    # People whose only involvements here are restricted are left out, and said to be left out.
    restricted_agencies: tuple[str, ...]

    @property
    def people(self) -> tuple[PersonAtAddress, ...]:
        return self.residents + self.others


@dataclass(frozen=True)
class _Current:
    """A person's current involvement as the household needs it: plain values, not the involvement, its
    record, its link (with the match's explanation) and its person as model objects — read for everyone at
    an address on every person page (ADR 0043: about a sixth of the page's CPU when they were objects)."""

    public_id: str
    start_date: date
    restricted: bool
    agency_id: int
    agency_name: str
    address_id: int


def _current_involvements(person_ids) -> dict[int, _Current]:
    """Each person's newest current involvement that has a standardised address (by start date, then id).
    `person_ids`: ids, or a query of them (then one statement, not two)."""
    newest: dict[int, _Current] = {}
    found = (
        Involvement.objects.filter(
            partner_record__link__person_id__in=person_ids,
            removed_at__isnull=True,
            partner_record__removed_at__isnull=True,
            standard_address__isnull=False,
        )
        .order_by("-start_date", "-pk")
        .values_list(
            "partner_record__link__person_id",
            "partner_record__link__person__public_id",
            "start_date",
            "restricted",
            "source__agency_id",
            "source__agency__name",
            "standard_address__address_id",
        )
    )
    for person_id, *values in found:
        if person_id not in newest:
            newest[person_id] = _Current(str(values[0]), *values[1:])
    return newest


def newest_standard_address(involvements) -> InvolvementAddress | None:
    """The person's current address by the rule `residents` uses (`_current_involvements`), applied to
    involvements already read: the person's current ones (not removed, of records not removed), newest first,
    with `standard_address` selected — the person page has them, and asking the database again cost it two
    queries. So the person page's address leads to a page that lists them as living there."""
    for involvement in involvements:
        if involvement.removed_at is None and involvement.partner_record.removed_at is None:
            found = getattr(involvement, "standard_address", None)
            if found is not None:
                return found
    return None


def residents(scope: Scope, address_id: int, *, besides: int | None = None) -> list[PersonAtAddress]:
    """The active people whose current address is this one, oldest first: the one definition of who lives
    at an address. `besides`: a person to leave out (the person whose page it is)."""
    return _residents(scope, address_id, besides)[0]


def _residents(scope: Scope, address_id: int, besides: int | None) -> tuple[list[PersonAtAddress], set[str]]:
    # Those with a current involvement here, asked within the query for their newest: one statement.
    here = InvolvementAddress.objects.filter(
        address_id=address_id,
        involvement__removed_at__isnull=True,
        involvement__partner_record__removed_at__isnull=True,
        involvement__partner_record__link__person__status=Person.Status.ACTIVE,
    ).values("involvement__partner_record__link__person_id")
    restricted, shown = set(), {}
    for person_id, current in _current_involvements(here).items():
        if current.address_id != address_id or person_id == besides:
            continue
        if not scope.sees_details_of(current.agency_id, current.restricted):
            restricted.add(current.agency_name)
            continue
        shown[person_id] = current
    # Everyone's current records in one query, however many live here; only what names them.
    records_of: dict[int, list[PartnerRecord]] = {}
    restricted_somewhere = Exists(
        Involvement.objects.filter(partner_record=OuterRef("pk"), restricted=True, removed_at__isnull=True)
    )
    for record in (
        PartnerRecord.objects.filter(link__person_id__in=shown, removed_at__isnull=True)
        .only(*_NAMING_FIELDS)
        .annotate(
            person_id=F("link__person_id"),
            agency_id=F("source__agency_id"),
            restricted_somewhere=restricted_somewhere,
        )
    ):
        records_of.setdefault(record.person_id, []).append(record)
    # A resident is named by a record this viewer may see in full where they have one, as on their own page.
    withheld = withheld_records(
        scope,
        (
            (r.pk, r.agency_id, True)
            for records in records_of.values()
            for r in records
            if r.restricted_somewhere
        ),
    )
    living = []
    for person_id, current in shown.items():
        record = naming_record(records_of.get(person_id, ()), withheld)
        # None only when their last record was removed between the two reads: they no longer live here.
        if record is not None:
            living.append(_at(current.public_id, record, current.start_date))
    return sorted(living, key=_oldest_first), restricted


def _at(public_id, record: PartnerRecord, last_seen: date) -> PersonAtAddress:
    """A resident, named as their own page names them (`naming`)."""
    return PersonAtAddress(
        public_id=str(public_id),
        name=record_name(record),
        date_of_birth=record.date_of_birth,
        last_seen=last_seen,
        date_of_birth_shown=date_of_birth_shown(record),
    )


def _oldest_first(person: PersonAtAddress):
    return (person.date_of_birth or date.max, person.name)


def address_summary(scope: Scope, public_id) -> AddressSummary:
    """The address page, by the opaque id its URL shows (never the row's own id, which counts up)."""
    address = Address.objects.filter(public_id=public_id).first()
    if address is None:
        raise AddressNotFound(str(public_id))
    involvements = list(
        Involvement.objects.filter(
            standard_address__address=address,
            removed_at__isnull=True,
            partner_record__removed_at__isnull=True,
            partner_record__link__person__status=Person.Status.ACTIVE,
        )
        .select_related("source__agency", "partner_record__link__person")
        .order_by("-start_date", "-pk")
    )
    living, restricted = _residents(scope, address.pk, None)
    resident_ids = {p.public_id for p in living}
    others: dict[int, PersonAtAddress] = {}
    lines = []
    for involvement in involvements:
        if not in_window(scope, involvement):
            continue
        shown = line(scope, involvement)
        if shown.restricted:
            restricted.add(shown.agency)
            lines.append(InvolvementHere(shown))
            continue
        record = involvement.partner_record
        person = record.link.person
        name = f"{record.given_name} {record.family_name}".strip()
        lines.append(InvolvementHere(shown, str(person.public_id), name))
        if str(person.public_id) not in resident_ids and person.pk not in others:
            others[person.pk] = PersonAtAddress(
                str(person.public_id),
                name,
                record.date_of_birth,
                involvement.start_date,
                date_of_birth_shown(record),
            )
    return AddressSummary(
        address=address,
        residents=tuple(living),
        others=tuple(sorted(others.values(), key=_oldest_first)),
        involvements=tuple(lines),
        shown_from=scope.shown_from,
        restricted_agencies=tuple(sorted(restricted)),
    )
