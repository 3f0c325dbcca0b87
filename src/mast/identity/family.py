"""Family relationships: an optional feed in which a partner says how its own person records are related, and
the family composition that follows for MAST's people.

The relationships file is CSV (UTF-8, BOM tolerated) with the columns `person_ref`, `related_person_ref`
and `relationship` — what the related person is to the person: parent, child, sibling, carer, cared_for or
partner (mother/father, son/daughter, brother/sister, husband/wife are understood too). Each file is a full
snapshot of that partner's relationships. Rows that cannot be used are kept with the reason, like any feed's
rejected rows.
"""

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mast.canonical import RELATIONSHIP_INVERSE, RELATIONSHIP_KINDS
from mast.feeds.models import Load, PartnerRecord, RejectedRow, Source
from mast.feeds.services import file_sha256
from mast.identity.matching.possible import REASONS
from mast.identity.models import MatchCandidate, Person, Relationship
from mast.identity.resolution import resolve_records

COLUMNS = ("person_ref", "related_person_ref", "relationship")


class RelationshipFileRefused(ValueError):
    """A relationships file that cannot be read at all; nothing of it is loaded."""


@transaction.atomic
def load_relationships(source: Source, path: Path, *, user=None) -> Load:
    """Replace the source's relationships with those in the file, recording the load and any rejected rows."""
    sha256 = file_sha256(path)
    already = Load.objects.filter(source=source, sha256=sha256, status=Load.Status.LOADED).exists()
    load = Load.objects.create(
        source=source,
        kind=Load.Kind.RELATIONSHIPS,
        file_name=path.name[:255],
        sha256=sha256,
        loaded_by=user,
        status=Load.Status.RUNNING,
    )
    if already:
        load.status, load.stage, load.finished_at = Load.Status.UNCHANGED, Load.Stage.DONE, timezone.now()
        load.message = "This file was already loaded; nothing changed."
        load.save()
        return load
    try:
        rows = _read(path)
    except RelationshipFileRefused as exc:
        load.status, load.message, load.finished_at = Load.Status.REFUSED, str(exc), timezone.now()
        load.save()
        return load
    kept: dict[tuple[str, str, str], None] = {}
    rejected = []
    for line, row in rows:
        person, related = (row.get("person_ref") or "").strip(), (row.get("related_person_ref") or "").strip()
        kind = RELATIONSHIP_KINDS.get((row.get("relationship") or "").strip().casefold())
        problem = None
        if not person or not related:
            problem = ("person_ref", "A reference is empty.")
        elif kind is None:
            problem = (
                "relationship",
                f"'{(row.get('relationship') or '')[:40]}' is not a relationship MAST knows.",
            )
        elif person == related:
            problem = ("related_person_ref", "A person cannot be related to themselves.")
        if problem:
            rejected.append(
                RejectedRow(load=load, line_number=line, field=problem[0], reason=problem[1], raw=row)
            )
        else:
            kept[(person[:64], related[:64], kind)] = None
    Relationship.objects.filter(source=source).delete()
    Relationship.objects.bulk_create(
        [
            Relationship(source=source, person_ref=p, related_person_ref=r, kind=k, load=load)
            for p, r, k in kept
        ],
        batch_size=2000,
    )
    RejectedRow.objects.bulk_create(rejected, batch_size=2000)
    load.rows_read = len(rows)
    load.rows_loaded = len(rows) - len(rejected)
    load.rows_rejected = len(rejected)
    load.status, load.stage, load.finished_at = Load.Status.LOADED, Load.Stage.DONE, timezone.now()
    load.message = f"{len(kept):,} relationships now held for this source."
    load.save()
    _recheck_possible_matches(source, {ref for pair in kept for ref in pair[:2]})
    return load


def _recheck_possible_matches(source: Source, refs: set[str]) -> None:
    """Re-run matching for the records of open possible matches that this source's relationships may now
    tell apart, so that a same-named father and son stop being shown as "possibly" each other as soon as the
    police say which is which, not at the next feed load. Open possible matches are few (a few in a thousand
    people), so they are read first and the relationships checked against them."""
    pairs = MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN, reason__in=REASONS).values_list(
        "record_a", "record_a__source_id", "record_a__person_ref",
        "record_b", "record_b__source_id", "record_b__person_ref",
    )  # fmt: skip
    records = set()
    for a, source_a, ref_a, b, source_b, ref_b in pairs.iterator():
        if (source_a == source.pk and ref_a in refs) or (source_b == source.pk and ref_b in refs):
            records.update((a, b))
    if records:
        resolve_records(sorted(records))


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RelationshipFileRefused(f"The header lacks the column(s) {', '.join(missing)}.")
            return [(number, row) for number, row in enumerate(reader, start=2)]
    except UnicodeDecodeError as exc:
        raise RelationshipFileRefused("The file is not UTF-8 text.") from exc
    except csv.Error as exc:
        raise RelationshipFileRefused(f"The file is not readable CSV: {exc}.") from exc


@dataclass(frozen=True)
class FamilyMember:
    kind: str
    person: Person
    display_name: str
    date_of_birth: date | None
    told_by: tuple[str, ...]  # the partners that recorded the relationship

    @property
    def kind_label(self) -> str:
        return Relationship.Kind(self.kind).label


def family_of(person: Person, records=None) -> list[FamilyMember]:
    """The people a partner has said are this person's family, as MAST currently resolves them. `records`:
    the person's current (not removed) partner records, when the caller has read them already — the person
    page has, and reading them again cost it a statement (ADR 0037)."""
    if records is None:
        records = PartnerRecord.objects.filter(link__person=person, removed_at__isnull=True).only(
            "source_id", "person_ref"
        )
    refs = {(record.source_id, record.person_ref) for record in records}
    if not refs:
        return []
    mine = {ref for _, ref in refs}
    # By reference alone, so each side uses its own index; the loop below keeps only this person's sources.
    # (With the source in the query too, SQLite reads every relationship the source has.)
    relationships = Relationship.objects.filter(
        Q(person_ref__in=mine) | Q(related_person_ref__in=mine)
    ).values_list("source_id", "person_ref", "related_person_ref", "kind", "source__agency__name")
    others: list[tuple[tuple[int, str], str, str]] = []
    for source_id, person_ref, related_ref, kind, source_name in relationships:
        if (source_id, person_ref) in refs:
            others.append(((source_id, related_ref), kind, source_name))
        elif (source_id, related_ref) in refs:
            others.append(((source_id, person_ref), RELATIONSHIP_INVERSE[kind], source_name))
    # One query for everyone named, rather than one per relationship; by source and reference, which is
    # the partner records' unique index (a reference alone has no index: every record would be read).
    # The people themselves come in the same query, each with the record that named them.
    person_of = {
        (named.named_source_id, named.named_ref): named
        for named in Person.objects.filter(
            links__partner_record__source_id__in={source for (source, _), _, _ in others},
            links__partner_record__person_ref__in={ref for (_, ref), _, _ in others},
        ).annotate(
            named_source_id=F("links__partner_record__source_id"),
            named_ref=F("links__partner_record__person_ref"),
        )
    }
    found: dict[tuple[str, int], set[str]] = {}
    people: dict[int, Person] = {}
    for other, kind, source_name in others:
        other_person = person_of.get(other)
        if other_person is not None and other_person.pk != person.pk:
            found.setdefault((kind, other_person.pk), set()).add(source_name)
            people[other_person.pk] = other_person
    details = _details(people.values())
    members = [
        FamilyMember(kind, people[pk], *details.get(pk, ("Unknown", None)), tuple(sorted(told_by)))
        for (kind, pk), told_by in found.items()
        if pk in people
    ]
    order = list(RELATIONSHIP_INVERSE)
    return sorted(members, key=lambda m: (order.index(m.kind), m.date_of_birth or date.max, m.display_name))


def _details(people) -> dict[int, tuple[str, date | None]]:
    """A display name and date of birth for each person, from their most recently updated partner record."""
    details: dict[int, tuple[str, date | None]] = {}
    for person_id, given, family, born in (
        PartnerRecord.objects.filter(link__person__in=list(people), removed_at__isnull=True)
        .order_by("updated_at")
        .values_list("link__person_id", "given_name", "family_name", "date_of_birth")
    ):
        name = f"{given} {family}".strip()
        previous = details.get(person_id)
        details[person_id] = (name, born or (previous[1] if previous else None))
    return details
