"""Linking partner records to people.

This is the deterministic first stage of identity resolution: a partner record whose valid NHS number is
already linked joins that person; otherwise it becomes a person of its own. The probabilistic model (Splink),
the review queue and re-clustering build on this (issue: Identity).
"""

from dataclasses import dataclass

from django.db import transaction

from mast.feeds.models import PartnerRecord
from mast.identity.models import Person, PersonLink

BATCH = 2000


@dataclass(frozen=True)
class MatchSummary:
    records: int
    linked_by_nhs_number: int
    new_people: int


@transaction.atomic
def match_records(partner_record_ids: list[int]) -> MatchSummary:
    """Link new and changed partner records to people. Records already linked keep their person."""
    by_nhs: dict[str, int] = dict(
        PersonLink.objects.filter(partner_record__nhs_number_valid=True).values_list(
            "partner_record__nhs_number", "person_id"
        )
    )
    linked_already = set(
        PersonLink.objects.filter(partner_record_id__in=partner_record_ids).values_list(
            "partner_record_id", flat=True
        )
    )
    to_existing: list[tuple[int, int]] = []
    new_groups: dict[tuple[str, object], list[int]] = {}
    for pk, nhs_number, nhs_valid in (
        PartnerRecord.objects.filter(pk__in=partner_record_ids)
        .order_by("pk")
        .values_list("pk", "nhs_number", "nhs_number_valid")
    ):
        if pk in linked_already:
            continue
        if nhs_valid and nhs_number in by_nhs:
            to_existing.append((pk, by_nhs[nhs_number]))
        else:
            # Records new in this batch that share a valid NHS number become one new person.
            key = ("nhs", nhs_number) if nhs_valid else ("record", pk)
            new_groups.setdefault(key, []).append(pk)

    people = Person.objects.bulk_create([Person() for _ in new_groups], batch_size=BATCH)
    links = [
        PersonLink(
            partner_record_id=pk, person_id=person, method=PersonLink.Method.NHS_NUMBER, match_probability=1.0
        )
        for pk, person in to_existing
    ]
    for person, members in zip(people, new_groups.values(), strict=True):
        for index, pk in enumerate(members):
            method = PersonLink.Method.NHS_NUMBER if index else PersonLink.Method.SINGLETON
            links.append(PersonLink(partner_record_id=pk, person=person, method=method))
    PersonLink.objects.bulk_create(links, batch_size=BATCH)
    by_nhs_count = sum(1 for link in links if link.method == PersonLink.Method.NHS_NUMBER)
    return MatchSummary(records=len(links), linked_by_nhs_number=by_nhs_count, new_people=len(people))
