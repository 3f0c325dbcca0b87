"""What partners' relationship files say about their own records, and which of their services know each
record, as matching reads it. Apart from family.py (which loads the files and then re-matches, through
resolution) so that resolution can read it without a cycle."""

from collections import defaultdict
from datetime import date

from mast.feeds.models import Involvement, PartnerRecord
from mast.identity.matching.ages_served import AGES_SERVED, Seen
from mast.identity.models import Relationship


def related_records(record_ids: list[int], chunk: int = 20_000) -> list[tuple[int, int]]:
    """Pairs of these partner records that their partner's relationships file says are related, whatever
    the relationship: a partner that records two of its people as parent and child, siblings or partners
    knows they are two people. Matching reads this to drop a possible match between them (possible.py).
    `chunk` keeps each query under SQLite's limit on bound parameters."""
    refs: dict[tuple[int, str], int] = {}
    for start in range(0, len(record_ids), chunk):
        rows = PartnerRecord.objects.filter(pk__in=record_ids[start : start + chunk])
        refs.update(
            {(source, ref): pk for pk, source, ref in rows.values_list("pk", "source_id", "person_ref")}
        )
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
    """These partner records' involvements with a service that works with one age group (ages_served.py),
    with each record's date of birth: `born` is record → ISO date of birth or None. Records with none of
    those involvements are left out (they say nothing about age). Removed involvements count too: a partner
    that ended an involvement still worked with that person at that age."""
    seen: dict[int, list[Seen]] = defaultdict(list)
    ids = sorted(born)
    for start in range(0, len(ids), chunk):
        rows = Involvement.objects.filter(
            partner_record_id__in=ids[start : start + chunk], category__in=list(AGES_SERVED)
        ).values_list("partner_record_id", "category", "start_date")
        for record, category, started in rows:
            seen[record].append(Seen(category, started))
    return {record: (whole_date(born.get(record)), tuple(kinds)) for record, kinds in seen.items()}


def whole_date(text: str | None) -> date | None:
    """An ISO date of birth as the record store keeps it, or None (none, or not a whole date)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a partial date of birth says nothing exact about age
