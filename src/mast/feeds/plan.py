"""What a load would do, worked out before anything is written: new, changed, removed and kept records.

Working it out first is what lets a load be held (feeds/guard.py): the counts and examples a feed owner is
shown come from the same plan that is written when they confirm, so the preview cannot disagree with the
outcome. Nothing here writes to the database.

A rejected row is not an absent row. When a row was refused but its record_id (or person_ref) could still be
read, the record it names is *kept* as it was last loaded and marked "not updated by load N: <reason>"; only
records genuinely missing from a snapshot are removed.
"""

import hashlib
from dataclasses import dataclass, field

from mast.feeds.models import Involvement, PartnerRecord, Source
from mast.feeds.validation import CanonicalRow, Rejection

PERSON_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "date_of_birth_raw",
    "sex",
    "nhs_number",
    "nhs_number_valid",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "town",
    "postcode",
    "uprn",
)
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn")
INVOLVEMENT_FIELDS = (
    "involvement_type",
    "category",
    "start_date",
    "end_date",
    "status",
    "lead_practitioner",
    "team",
    "contact_phone",
    "contact_email",
    "restricted",
    *ADDRESS_FIELDS,
)


def fingerprint(values: dict, names: tuple[str, ...]) -> str:
    joined = "\x1f".join("" if values.get(n) is None else str(values[n]) for n in names)
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


@dataclass
class PersonChange:
    person_ref: str
    row: CanonicalRow
    flags: dict
    digest: str
    pk: int | None  # None: a person this source has not sent before


@dataclass
class InvolvementChange:
    row: CanonicalRow
    pk: int | None  # None: a new record_id
    # Worked out here when the person already exists; a new person's id is known only once it is written.
    digest: str | None


@dataclass
class LoadPlan:
    people: list[PersonChange] = field(default_factory=list)
    person_ids: dict[str, int] = field(default_factory=dict)  # person_ref -> pk, for those already held
    involvements: list[InvolvementChange] = field(default_factory=list)
    removed_involvements: list[int] = field(default_factory=list)
    removed_people: list[int] = field(default_factory=list)
    kept_involvements: dict[int, str] = field(default_factory=dict)  # pk -> why it was not updated
    kept_people: dict[int, str] = field(default_factory=dict)
    kept_lines: set[int] = field(default_factory=set)  # rejected rows whose record was kept
    # Unchanged records that an earlier load had kept: this file brings them again, so the mark goes.
    cleared_involvements: list[int] = field(default_factory=list)
    cleared_people: list[int] = field(default_factory=list)
    current_involvements: int = 0  # the feed's involvements before this load

    @property
    def new_involvements(self) -> list[InvolvementChange]:
        return [c for c in self.involvements if c.pk is None]

    @property
    def changed_involvements(self) -> list[InvolvementChange]:
        return [c for c in self.involvements if c.pk is not None]


def person_flags(row: CanonicalRow) -> dict[str, str]:
    return {k: v for k, v in row.flags.items() if k in PERSON_FIELDS or k in ("given_name", "family_name")}


def involvement_digest(row: CanonicalRow, person_id: int) -> str:
    values = {name: row.values[name] for name in INVOLVEMENT_FIELDS}
    flags = {k: v for k, v in row.flags.items() if k not in PERSON_FIELDS}
    return fingerprint(
        {**values, "flags": flags, "person": person_id}, (*INVOLVEMENT_FIELDS, "flags", "person")
    )


def latest_row_per_person(rows: list[CanonicalRow]) -> dict[str, CanonicalRow]:
    """A person's details come from their most recent involvement (the address they live at now)."""
    latest: dict[str, CanonicalRow] = {}
    for row in rows:
        ref = row.values["person_ref"]
        current = latest.get(ref)
        if current is None or row.values["start_date"] >= current.values["start_date"]:
            latest[ref] = row
    return latest


def make_plan(source: Source, rows: list[CanonicalRow], rejections: list[Rejection]) -> LoadPlan:
    plan = LoadPlan()
    people = latest_row_per_person(rows)
    _plan_people(source, people, plan)
    loaded_ids = _plan_involvements(source, rows, plan)
    _plan_kept_and_removed(source, people, loaded_ids, rejections, plan)
    return plan


def _plan_people(source: Source, people: dict[str, CanonicalRow], plan: LoadPlan) -> None:
    existing = {
        ref: (pk, digest, removed, stale)
        for ref, pk, digest, removed, stale in PartnerRecord.objects.filter(source=source).values_list(
            "person_ref", "pk", "content_hash", "removed_at", "stale_load"
        )
    }
    plan.person_ids = {ref: value[0] for ref, value in existing.items()}
    for ref, row in people.items():
        flags = person_flags(row)
        values = {name: row.values[name] for name in PERSON_FIELDS}
        digest = fingerprint({**values, "flags": flags}, (*PERSON_FIELDS, "flags"))
        if ref not in existing:
            plan.people.append(PersonChange(ref, row, flags, digest, None))
            continue
        pk, old_digest, removed, stale = existing[ref]
        if old_digest != digest or removed is not None:
            plan.people.append(PersonChange(ref, row, flags, digest, pk))
        elif stale is not None:
            plan.cleared_people.append(pk)


def _plan_involvements(source: Source, rows: list[CanonicalRow], plan: LoadPlan) -> set[str]:
    existing = {
        rid: (pk, digest, removed, stale)
        for rid, pk, digest, removed, stale in Involvement.objects.filter(source=source).values_list(
            "record_id", "pk", "content_hash", "removed_at", "stale_load"
        )
    }
    plan.current_involvements = sum(1 for value in existing.values() if value[2] is None)
    new_people = {c.person_ref for c in plan.people if c.pk is None}
    loaded = set()
    for row in rows:
        rid, ref = row.values["record_id"], row.values["person_ref"]
        loaded.add(rid)
        person_id = None if ref in new_people else plan.person_ids[ref]
        digest = None if person_id is None else involvement_digest(row, person_id)
        if rid not in existing:
            plan.involvements.append(InvolvementChange(row, None, digest))
            continue
        pk, old_digest, removed, stale = existing[rid]
        if digest is None or old_digest != digest or removed is not None:
            plan.involvements.append(InvolvementChange(row, pk, digest))
        elif stale is not None:
            plan.cleared_involvements.append(pk)
    return loaded


def _plan_kept_and_removed(source, people, loaded_ids: set[str], rejections, plan: LoadPlan) -> None:
    named_records = {}
    named_people = {}
    for r in rejections:
        if r.record_id and r.record_id not in loaded_ids:
            named_records.setdefault(r.record_id, r)
        if r.person_ref and r.person_ref not in people:
            named_people.setdefault(r.person_ref, r)

    kept_person_pks: set[int] = set()
    for pk, rid, person_pk in Involvement.objects.filter(source=source, removed_at__isnull=True).values_list(
        "pk", "record_id", "partner_record_id"
    ):
        if rid in loaded_ids:
            continue
        rejection = named_records.get(rid)
        if rejection is None:
            if source.mode == Source.Mode.SNAPSHOT:
                plan.removed_involvements.append(pk)
            continue
        plan.kept_involvements[pk] = rejection.reason
        plan.kept_lines.add(rejection.line_number)
        # A kept involvement keeps its person, even when the rejected row's person_ref could not be read.
        kept_person_pks.add(person_pk)

    for pk, ref in PartnerRecord.objects.filter(source=source, removed_at__isnull=True).values_list(
        "pk", "person_ref"
    ):
        if ref in people:
            continue
        rejection = named_people.get(ref)
        if rejection is not None:
            plan.kept_people[pk] = rejection.reason
            plan.kept_lines.add(rejection.line_number)
        elif pk in kept_person_pks:
            plan.kept_people[pk] = "a record of theirs was not updated"
        elif source.mode == Source.Mode.SNAPSHOT:
            plan.removed_people.append(pk)
