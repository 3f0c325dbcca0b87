"""What partners' relationship files say about their own records, and which of their services know each
record, as matching reads it. Apart from family.py (which loads the files and then re-matches, through
resolution) so that resolution can read it without a cycle."""

from collections import defaultdict
from datetime import date

from django.db.models import Q

from mast.feeds.models import Involvement, PartnerRecord
from mast.identity.matching.ages_served import AGE_BOUNDED, Seen, kin_bounds
from mast.identity.models import Relationship


def related_records(record_ids: list[int], chunk: int = 20_000) -> list[tuple[int, int]]:
    """Pairs of these partner records that their partner's relationships file says are related, whatever
    the relationship: a partner that records two of its people as parent and child, siblings or partners
    knows they are two people. Matching reads this to drop a possible match between them (possible.py).
    `chunk` keeps each query under SQLite's limit on bound parameters."""
    refs = {key: pk for key, (pk, _born) in _records_by_id(record_ids, chunk).items()}
    wanted = sorted({ref for _source, ref in refs})
    pairs = []
    for start in range(0, len(wanted), chunk):
        rows = Relationship.objects.filter(person_ref__in=wanted[start : start + chunk])
        for source, ref, other in rows.values_list("source_id", "person_ref", "related_person_ref"):
            left, right = refs.get((source, ref)), refs.get((source, other))
            if left is not None and right is not None and left != right:
                pairs.append((left, right))
    return pairs


def services_seen(
    born: dict[int, str | None], chunk: int = 20_000
) -> dict[int, tuple[date | None, tuple[Seen, ...]]]:
    """These partner records' involvements with a service that works with one age group, or with anyone
    already born (ages_served.AGE_BOUNDED), and the age bounds their partners' relationships files give them
    (a listed parent or child, `relationship_bounds`), with each record's date of birth: `born` is record →
    ISO date of birth or None. Records with none of those are left out (they say nothing about age). Removed
    involvements count too: a partner that ended an involvement still worked with that person at that age."""
    seen: dict[int, list[Seen]] = defaultdict(list)
    ids = sorted(born)
    for start in range(0, len(ids), chunk):
        rows = Involvement.objects.filter(
            partner_record_id__in=ids[start : start + chunk], category__in=list(AGE_BOUNDED)
        ).values_list("partner_record_id", "category", "start_date")
        for record, category, started in rows:
            seen[record].append(Seen(category, started))
    for record, bounds in relationship_bounds(ids, chunk).items():
        seen[record].extend(bounds)
    return {record: (whole_date(born.get(record)), tuple(kinds)) for record, kinds in seen.items()}


def relationship_bounds(record_ids: list[int], chunk: int = 20_000) -> dict[int, list[Seen]]:
    """The age bounds (ages_served.kin_bounds) that these records' partners' relationships files give them:
    a record listed as a child's parent was old enough to be one at that child's birth, and one listed with
    a parent was born well after that parent. Only parent and child rows between two records with a whole
    date of birth on the other side bound anything."""
    mine = _records_by_id(record_ids, chunk)
    wanted = sorted({ref for _source, ref in mine})
    kinds = [Relationship.Kind.PARENT, Relationship.Kind.CHILD]
    rows = []
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        rows += Relationship.objects.filter(
            Q(person_ref__in=part) | Q(related_person_ref__in=part), kind__in=kinds
        ).values_list("source_id", "person_ref", "related_person_ref", "kind")
    rows = [r for r in rows if (r[0], r[1]) in mine or (r[0], r[2]) in mine]
    others = sorted({(source, ref) for source, a, b, _kind in rows for ref in (a, b)} - mine.keys())
    # The related records by source and reference: the partner records' unique index (a reference alone
    # has none, and would read every record).
    known = {**_records_by_reference(others, chunk), **mine}
    born = dict(known.values())
    linked = [
        (known[(source, a)][0], known[(source, b)][0], kind)
        for source, a, b, kind in rows
        if (source, a) in known and (source, b) in known
    ]
    wanted_ids = set(record_ids)
    return {record: bounds for record, bounds in kin_bounds(linked, born).items() if record in wanted_ids}


def _records_by_id(record_ids: list[int], chunk: int) -> dict[tuple[int, str], tuple[int, date | None]]:
    """(source, partner's reference) → (record id, date of birth) for these records."""
    found: dict[tuple[int, str], tuple[int, date | None]] = {}
    for start in range(0, len(record_ids), chunk):
        rows = PartnerRecord.objects.filter(pk__in=record_ids[start : start + chunk])
        for pk, source, ref, born in rows.values_list("pk", "source_id", "person_ref", "date_of_birth"):
            found[(source, ref)] = (pk, born)
    return found


def _records_by_reference(
    refs: list[tuple[int, str]], chunk: int
) -> dict[tuple[int, str], tuple[int, date | None]]:
    """As `_records_by_id`, for records named by (source, partner's reference)."""
    wanted = set(refs)
    found: dict[tuple[int, str], tuple[int, date | None]] = {}
    for start in range(0, len(refs), chunk):
        part = refs[start : start + chunk]
        rows = PartnerRecord.objects.filter(
            source_id__in={source for source, _ref in part}, person_ref__in={ref for _source, ref in part}
        )
        for pk, source, ref, born in rows.values_list("pk", "source_id", "person_ref", "date_of_birth"):
            if (source, ref) in wanted:
                found[(source, ref)] = (pk, born)
    return found


def whole_date(text: str | None) -> date | None:
    """An ISO date of birth as the record store keeps it, or None (none, or not a whole date)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a partial date of birth says nothing exact about age
