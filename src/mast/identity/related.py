"""What partners' relationship files say about their own records, as matching reads it. Apart from family.py
(which loads the files and then re-matches, through resolution) so that resolution can read it without a
cycle."""

from mast.feeds.models import PartnerRecord
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
