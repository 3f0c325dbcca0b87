"""The partner records of a person someone looked at, as the curiosity rules judge them: each record's home
(standardised), the agency that sent it, and whether that agency restricted any of its involvements.

Read once per look for every rule that asks (mast.request_memo): the own-family and MAST-user rules compare
homes, the restricted and break-glass rules ask which other agencies restricted a record. They were two reads
of the same records (ADR 0043).
"""

from django.db.models import Exists, OuterRef

from mast.feeds.models import Involvement, PartnerRecord
from mast.identity.matching.names import normalise_name
from mast.identity.matching.postcodes import normalise_postcode
from mast.request_memo import once


def homes_of(person_id: str) -> list[tuple[str, str, str]]:
    """(family name, postcode, first line) of each of the person's partner records, standardised."""
    return [(family, postcode, line_1) for family, postcode, line_1, _, _ in _records_of(person_id)]


def restricting_agencies(person_id: str, own_agency_id: int | None) -> set[int]:
    """The agencies other than the looker's own that restricted a record of this person."""
    return {agency for *_, agency, hidden in _records_of(person_id) if hidden and agency != own_agency_id}


def _records_of(person_id: str) -> list[tuple[str, str, str, int, bool]]:
    return once(("records of", person_id), lambda: _read(person_id))


def _read(person_id: str) -> list[tuple[str, str, str, int, bool]]:
    restricted = Involvement.objects.filter(partner_record=OuterRef("pk"), restricted=True)
    rows = (
        PartnerRecord.objects.filter(link__person__public_id=person_id, removed_at__isnull=True)
        .annotate(hidden=Exists(restricted))
        .values_list("family_name", "postcode", "address_line_1", "source__agency_id", "hidden")
    )
    return [
        (normalise_name(family), normalise_postcode(post or ""), normalise_name(line or ""), agency, hidden)
        for family, post, line, agency, hidden in rows
    ]
