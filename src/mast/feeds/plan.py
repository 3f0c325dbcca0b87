"""What a load would do, worked out before anything is written: new, changed, removed and kept records.

Working it out first is what lets a load be held (feeds/guard.py): the counts and examples a feed owner is
shown come from the same decisions (`person_changes`, `involvement_changes`) that feeds/writing.py makes
again, chunk by chunk, when the load is written, so the preview cannot disagree with the outcome. Nothing here
writes to the database.

The plan holds no rows (issue 13, item 5): the checked rows stay on disk (feeds/spill.py) and are looked at a
chunk at a time, each chunk's records looked up by key. What the plan keeps is counts, a few examples, and the
records the load removes, keeps or clears, which depend on what MAST holds, not on the size of the file.

A rejected row is not an absent row. When a row was refused but its record_id (or person_ref) could still be
read, the record it names is *kept* as it was last loaded and marked "not updated by load N: <reason>"; only
records genuinely missing from a snapshot are removed.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from mast.feeds.models import Involvement, PartnerRecord, Source
from mast.feeds.spill import LOOKUP, KeyStore, Spill
from mast.feeds.validation import CanonicalRow

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


EXAMPLES = 5


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
    new_involvements: int = 0
    changed_involvements: int = 0
    # A few of each, as (record_id, person_ref, category, start_date, status), for the held load's preview.
    examples: dict[str, list[tuple]] = field(default_factory=lambda: {"new": [], "changed": []})
    removed_involvements: list[int] = field(default_factory=list)
    removed_people: list[int] = field(default_factory=list)
    kept_involvements: dict[int, str] = field(default_factory=dict)  # pk -> why it was not updated
    kept_people: dict[int, str] = field(default_factory=dict)
    kept_lines: set[int] = field(default_factory=set)  # rejected rows whose record was kept
    # Unchanged records that an earlier load had kept: this file brings them again, so the mark goes.
    cleared_involvements: list[int] = field(default_factory=list)
    cleared_people: list[int] = field(default_factory=list)
    current_involvements: int = 0  # the feed's involvements before this load


def person_flags(row: CanonicalRow) -> dict[str, str]:
    return {k: v for k, v in row.flags.items() if k in PERSON_FIELDS or k in ("given_name", "family_name")}


def involvement_digest(row: CanonicalRow, person_id: int) -> str:
    values = {name: row.values[name] for name in INVOLVEMENT_FIELDS}
    flags = {k: v for k, v in row.flags.items() if k not in PERSON_FIELDS}
    return fingerprint(
        {**values, "flags": flags, "person": person_id}, (*INVOLVEMENT_FIELDS, "flags", "person")
    )


def existing(model, source: Source, key: str, keys, columns: tuple[str, ...]) -> dict[str, tuple]:
    """What the source already holds for these keys (record_ids or person_refs): key -> columns (datetimes
    come back as the driver gives them: callers only ask whether they are set). Plain SQL: a load asks this a
    few hundred times, and building the ORM's query for 500 keys cost more than running it."""
    keys = list(dict.fromkeys(keys))
    quote = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(
        quote(meta.pk.column if c == "pk" else meta.get_field(c).column) for c in (key, *columns)
    )
    where = f"{quote(meta.get_field('source').column)} = %s AND {quote(meta.get_field(key).column)} IN"
    found = {}
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), LOOKUP):
            batch = keys[start : start + LOOKUP]
            if connection.vendor == "postgresql":  # one array parameter: the driver need not parse 500
                sql = f"SELECT {names} FROM {table} WHERE {where[:-3]} = ANY(%s)"  # noqa: S608
                params = [source.pk, batch]
            else:
                sql = f"SELECT {names} FROM {table} WHERE {where} ({', '.join(['%s'] * len(batch))})"  # noqa: S608
                params = [source.pk, *batch]
            cursor.execute(sql, params)  # table and column names from the model
            for value, *rest in cursor.fetchall():
                found[value] = tuple(rest)
    return found


def person_ids(source: Source, rows: list[CanonicalRow]) -> dict[str, int]:
    """person_ref -> pk of the people of these rows whom the source already holds (removed or not)."""
    refs = (r.values["person_ref"] for r in rows)
    return {
        ref: value[0] for ref, value in existing(PartnerRecord, source, "person_ref", refs, ("pk",)).items()
    }


def person_changes(
    source: Source, latest: list[CanonicalRow], *, cleared_only: bool = False
) -> tuple[list[PersonChange], list[int]]:
    """The people to write from these rows (each their person's latest row), and the unchanged people whose
    "not updated" mark goes (only those, when planning: fingerprints are most of the cost)."""
    held = existing(
        PartnerRecord,
        source,
        "person_ref",
        (r.values["person_ref"] for r in latest),
        ("pk", "content_hash", "removed_at", "stale_load"),
    )
    changes, cleared = [], []
    for row in latest:
        ref = row.values["person_ref"]
        if cleared_only and (ref not in held or held[ref][2] is not None or held[ref][3] is None):
            continue
        flags = person_flags(row)
        values = {name: row.values[name] for name in PERSON_FIELDS}
        digest = fingerprint({**values, "flags": flags}, (*PERSON_FIELDS, "flags"))
        if ref not in held:
            changes.append(PersonChange(ref, row, flags, digest, None))
            continue
        pk, old_digest, removed, stale = held[ref]
        if old_digest != digest or removed is not None:
            changes.append(PersonChange(ref, row, flags, digest, pk))
        elif stale is not None:
            cleared.append(pk)
    return changes, cleared


def involvement_changes(
    source: Source, rows: list[CanonicalRow], ids: dict[str, int]
) -> tuple[list[InvolvementChange], list[int]]:
    """The involvements to write from these rows, given the ids of the people already held, and the unchanged
    involvements whose "not updated" mark goes."""
    held = existing(
        Involvement,
        source,
        "record_id",
        (r.values["record_id"] for r in rows),
        ("pk", "content_hash", "removed_at", "stale_load"),
    )
    changes, cleared = [], []
    for row in rows:
        rid, ref = row.values["record_id"], row.values["person_ref"]
        person_id = ids.get(ref)
        digest = None if person_id is None else involvement_digest(row, person_id)
        if rid not in held:
            changes.append(InvolvementChange(row, None, digest))
            continue
        pk, old_digest, removed, stale = held[rid]
        if digest is None or old_digest != digest or removed is not None:
            changes.append(InvolvementChange(row, pk, digest))
        elif stale is not None:
            cleared.append(pk)
    return changes, cleared


def make_plan(
    source: Source, rows: Spill, keys: KeyStore, rejections: Spill, *, snapshot: bool | None = None
) -> LoadPlan:
    """One pass over the checked rows, a chunk at a time, then the source's current records by page.

    A snapshot removes what it does not name; changes only (a delta feed, or a push through the partner API
    to any source) never do, so only the records its rejected rows name need looking at."""
    if snapshot is None:
        snapshot = source.mode == Source.Mode.SNAPSHOT
    plan = LoadPlan()
    if snapshot:  # only the removal guard needs it, and a delta removes nothing
        plan.current_involvements = Involvement.objects.filter(source=source, removed_at__isnull=True).count()
    for chunk in rows.chunks():
        _, cleared = person_changes(source, keys.latest_rows(chunk), cleared_only=True)
        plan.cleared_people += cleared
        changes, cleared = involvement_changes(source, chunk, person_ids(source, chunk))
        plan.cleared_involvements += cleared
        for change in changes:
            kind = "new" if change.pk is None else "changed"
            if kind == "new":
                plan.new_involvements += 1
            else:
                plan.changed_involvements += 1
            if len(plan.examples[kind]) < EXAMPLES:
                v = change.row.values
                plan.examples[kind].append(
                    (v["record_id"], v["person_ref"], v["category"], v["start_date"], v["status"])
                )
    _plan_kept_and_removed(source, keys, rejections, plan, snapshot)
    return plan


def _pages(queryset, *columns, size: int = 5000):
    """A large query by primary-key pages, so that neither this process nor the driver holds it whole."""
    last = 0
    while True:
        page = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", *columns)[:size])
        if not page:
            return
        yield page
        last = page[-1][0]


def _plan_kept_and_removed(source, keys: KeyStore, rejections: Spill, plan: LoadPlan, snapshot: bool) -> None:
    named_records: dict[str, tuple[int, str]] = {}  # record_id -> (line, reason) of its first rejected row
    named_people: dict[str, tuple[int, str]] = {}
    for chunk in rejections.chunks():
        loaded = keys.loaded_records(r.record_id for r in chunk if r.record_id)
        people = keys.loaded_people(r.person_ref for r in chunk if r.person_ref)
        for r in chunk:
            if r.record_id and r.record_id not in loaded:
                named_records.setdefault(r.record_id, (r.line_number, r.reason))
            if r.person_ref and r.person_ref not in people:
                named_people.setdefault(r.person_ref, (r.line_number, r.reason))

    kept_person_pks: set[int] = set()
    current = Involvement.objects.filter(source=source, removed_at__isnull=True)
    if not snapshot:  # a single pushed record must not page through a million held ones
        current = current.filter(record_id__in=list(named_records))
    for page in _pages(current, "record_id", "partner_record_id"):
        loaded = keys.loaded_records(rid for _, rid, _ in page)
        for pk, rid, person_pk in page:
            if rid in loaded:
                continue
            rejection = named_records.get(rid)
            if rejection is None:
                if snapshot:
                    plan.removed_involvements.append(pk)
                continue
            plan.kept_lines.add(rejection[0])
            plan.kept_involvements[pk] = rejection[1]
            # A kept involvement keeps its person, even when the rejected row's person_ref could not be read.
            kept_person_pks.add(person_pk)

    people = PartnerRecord.objects.filter(source=source, removed_at__isnull=True)
    if not snapshot:
        people = people.filter(Q(person_ref__in=list(named_people)) | Q(pk__in=kept_person_pks))
    for page in _pages(people, "person_ref"):
        loaded = keys.loaded_people(ref for _, ref in page)
        for pk, ref in page:
            if ref in loaded:
                continue
            rejection = named_people.get(ref)
            if rejection is not None:
                plan.kept_people[pk] = rejection[1]
                plan.kept_lines.add(rejection[0])
            elif pk in kept_person_pks:
                plan.kept_people[pk] = "a record of theirs was not updated"
            elif snapshot:
                plan.removed_people.append(pk)
