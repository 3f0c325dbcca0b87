"""The address page: who is linked to an address, and what has been recorded there in the display window —
what a social worker checks before a home visit."""

from dataclasses import dataclass
from datetime import date

from mast.access.gate import Scope
from mast.feeds.models import Involvement
from mast.feeds.problems import record_date_of_birth as date_of_birth_shown
from mast.identity.models import Address, Person
from mast.people.redaction import InvolvementLine, in_window, line


class AddressNotFound(LookupError):
    pass


@dataclass(frozen=True)
class PersonAtAddress:
    public_id: str
    name: str
    date_of_birth: date | None
    last_seen: date
    date_of_birth_shown: str = ""  # see people/search.py's PersonResult


@dataclass(frozen=True)
class AddressSummary:
    address: Address
    people: tuple[PersonAtAddress, ...]
    involvements: tuple[InvolvementLine, ...]
    shown_from: date
    # People whose only involvements here are restricted are left out, and said to be left out.
    restricted_agencies: tuple[str, ...]


def address_summary(scope: Scope, address_id: int) -> AddressSummary:
    address = Address.objects.filter(pk=address_id).first()
    if address is None:
        raise AddressNotFound(str(address_id))
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
    shown = [i for i in involvements if in_window(scope, i)]
    lines = [line(scope, i) for i in shown]
    people: dict[int, PersonAtAddress] = {}
    restricted: set[str] = set()
    for involvement, shown_line in zip(shown, lines, strict=True):
        if shown_line.restricted:
            restricted.add(shown_line.agency)
            continue
        record = involvement.partner_record
        person = record.link.person
        if person.pk not in people:
            people[person.pk] = PersonAtAddress(
                public_id=str(person.public_id),
                name=f"{record.given_name} {record.family_name}".strip(),
                date_of_birth=record.date_of_birth,
                last_seen=involvement.start_date,
                date_of_birth_shown=date_of_birth_shown(record),
            )
    return AddressSummary(
        address=address,
        people=tuple(sorted(people.values(), key=lambda p: (p.date_of_birth or date.max, p.name))),
        involvements=tuple(lines),
        shown_from=scope.shown_from,
        restricted_agencies=tuple(sorted(restricted)),
    )
