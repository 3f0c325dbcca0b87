"""Finding a person or an address the way a practitioner asks: any mix of names, date of birth, postcode and
address, NHS number and a partner's own reference, with the typos, nicknames and swapped dates that front
doors make.

A search is two steps, and neither is a second matcher:

1. **Candidates by index.** Exact look-ups only, so a search costs the same at a million records as at a
   thousand: NHS number, partner reference, date of birth (as given and with day and month swapped) and
   postcode on the partner records themselves, and `SearchKey`s — a family name's sound (Double Metaphone)
   with the given name, or with the year of birth. The query side does the fuzzy work: it looks up every
   name the given name may stand for (nicknames and variants, from the standardiser's groups) and every
   spelling one keying slip away from each name, so a record is found though neither side spelt it as the
   other did.
2. **Scores from the trained model.** The query is standardised as a record is (`linkage.model_row`) and
   compared with each candidate using the saved Splink model's own comparison levels and m/u values, in
   DuckDB. A field the practitioner left empty is a null level (no evidence), never a disagreement. The levels
   that counted become the reasons shown ("Date of birth: day and month transposed").

The linkage vetoes do not apply: a search is not a link. A different given name just scores low.

Keys are kept by `index_records`, which identity resolution calls whenever it matches records; the same
function keeps the standardised addresses (`Address`, `InvolvementAddress`) that address search reads.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from difflib import SequenceMatcher
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import Count

from mast.feeds import bulk
from mast.feeds.models import Involvement, PartnerRecord, Source
from mast.feeds.validation import normalise_nhs_number
from mast.identity import linkage
from mast.identity import model as fs_model
from mast.identity.models import Address, InvolvementAddress, Person, SearchKey
from mast.identity.record_store import FIELDS
from mast.identity.standardise import (
    address_key,
    birth_year,
    double_metaphone,
    given_name_groups,
    normalise_name,
    normalise_postcode,
    normalise_uprn,
    parse_address,
)

# -- the query -----------------------------------------------------------------------------------------------

# Longer than any real value; a pasted paragraph is cut rather than expanded into thousands of look-ups.
MAX_LENGTH = 100


@dataclass
class SearchQuery:
    """What a practitioner typed. Any field may be empty; none is trusted to be well formed."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    address: str = ""
    nhs_number: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            setattr(self, f.name, "" if value is None else " ".join(str(value).split())[:MAX_LENGTH])

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    @property
    def birth_date(self) -> BirthDate:
        return parse_birth_date(self.date_of_birth)

    @property
    def nhs_digits(self) -> str:
        return re.sub(r"\D", "", self.nhs_number)

    @property
    def nhs_number_valid(self) -> bool:
        return normalise_nhs_number(self.nhs_digits)[1] if self.nhs_digits else False

    @property
    def normalised_postcode(self) -> str:
        return normalise_postcode(self.postcode)

    def problems(self) -> dict[str, str]:
        """Field name → what is wrong with it, in words for the person who typed it; {} when all is well.

        The service copes with every one of these (a bad field is simply not used); the form shows them.
        """
        problems: dict[str, str] = {}
        if self.date_of_birth and self.birth_date.year is None:
            problems["date_of_birth"] = (
                "Enter a date of birth like 27/03/1987, or a month and year, or a year"
            )
        if self.nhs_number and not self.nhs_number_valid:
            problems["nhs_number"] = "Enter a 10-digit NHS number, like 999 123 4578"
        if self.postcode and not self.normalised_postcode:
            problems["postcode"] = "Enter a postcode, like NS9 3AJ"
        if not problems and not self.is_empty and not self.is_specific:
            problems["__all__"] = (
                "Add a family name, a full date of birth, a postcode, an NHS number or a reference"
            )
        return problems

    @property
    def is_specific(self) -> bool:
        """Whether the query can be looked up at all: a given name or a year of birth alone cannot."""
        return bool(
            normalise_name(self.family_name)
            or self.birth_date.date
            or " " in self.normalised_postcode
            or len(self.nhs_digits) == 10
            or self.reference
        )


@dataclass(frozen=True)
class BirthDate:
    date: dt.date | None = None
    year: int | None = None
    # The same date with day and month swapped, when that is a different real date.
    swapped: dt.date | None = None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_SEPARATORS = re.compile(r"[\s/.\-,]+")


def parse_birth_date(text: str) -> BirthDate:
    """A date of birth however it was typed: '27/03/1987', '27-3-1987', '1987-03-27', '27 March 1987',
    '27031987', or partial ('03/1987', 'Mar 1987', '1987'). Day first, as in the UK; a date that only reads
    month first ('03/27/1987') is read that way. Two-digit years are not guessed. Never raises."""
    parts = [p for p in _SEPARATORS.split(text.strip().casefold()) if p][:4]
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 8:
        run = parts[0]
        iso = (run[:4], run[4:6], run[6:])
        parts = list(iso) if _date(*map(int, iso)) else [run[:2], run[2:4], run[4:]]
    parts = [str(_MONTHS[p]) if p in _MONTHS else p for p in parts]
    if not parts or not all(p.isdigit() for p in parts):
        return BirthDate(year=birth_year(text) if text else None)
    numbers = [int(p) for p in parts]
    years = [i for i, p in enumerate(parts) if len(p) == 4 and _plausible_year(int(p))]
    if len(years) != 1:
        return BirthDate()
    year = numbers[years[0]]
    rest = numbers[: years[0]] + numbers[years[0] + 1 :]
    if years[0] == 0:
        rest = rest[::-1]  # year first: year, month, day → day, month
    if len(rest) != 2:
        return BirthDate(year=year)
    day, month = rest
    first, second = _date(year, month, day), _date(year, day, month)
    date = first or second
    swapped = second if first and second and second != first else None
    return BirthDate(date, year, swapped)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _plausible_year(year: int) -> bool:
    return 1880 <= year <= dt.date.today().year


# -- results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonMatch:
    person_id: int
    # The match probability of the person's best record (1.0 for the partner reference asked for).
    score: float
    # The person's partner records that matched, best first.
    record_ids: tuple[int, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AddressMatch:
    address_id: int
    label: str
    # Involvements recorded at the address (partners' current records only).
    involvements: int


# -- search keys ---------------------------------------------------------------------------------------------

NAME, YEAR = "n", "y"
# Records one look-up may bring, and records scored per search, at most: a query as broad as "Smith, 2025"
# would otherwise bring thousands. Those found by most look-ups at once are scored (see _Found.best).
MAX_FOUND = 2000
MAX_SCORED = 100
CHUNK = 500  # parameters per IN (...): well under every database's limit
# Addresses read for one address search at most: an outcode holds a few thousand.
MAX_PLACES = 5000


def _key(kind: str, sound: str, value: object) -> str:
    return f"{kind}:{sound}|{value}"


def record_keys(given_name: str | None, family_dm: str | None, family_names, year: int | None) -> list[str]:
    """A record's search keys from its standardised fields (as in `linkage.model_row`): at most four.

    The family name's sound with the given name and with the year of birth; the sound of up to two other
    family names the record holds (an alias, a birth surname, a part of a double-barrelled name) with the
    given name. The record's given name is kept as written: the query looks up all the names it may stand for.
    """
    keys: list[str] = []
    if family_dm and given_name:
        keys.append(_key(NAME, family_dm, given_name))
    if family_dm and year:
        keys.append(_key(YEAR, family_dm, year))
    if given_name:
        others = sorted({double_metaphone(n)[0] for n in family_names or ()} - {family_dm, ""})
        keys += [_key(NAME, sound, given_name) for sound in others[:2]]
    return keys


# -- keeping keys and addresses up to date -------------------------------------------------------------------


@dataclass
class IndexSummary:
    records: int = 0
    keys: int = 0
    involvements: int = 0
    addresses_created: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def index_records(record_ids: Iterable[int] | None = None, *, table: pa.Table | None = None) -> IndexSummary:
    """Rewrite the search keys and standardised addresses of these partner records, or of all (None).

    `table` is the standardised records as the matcher holds them (record_store), when the caller has them
    already: a full run passes its table so nothing is standardised twice. Records removed by their partner
    lose their keys; deleted records lose them by cascade.
    """
    summary = IndexSummary()
    ids = None if record_ids is None else sorted({int(i) for i in record_ids})
    started = time.perf_counter()
    with transaction.atomic(), _roomy_cache():
        if table is None:
            table = linkage.to_table(_model_rows(ids) if ids is not None else _all_model_rows())
        if ids is not None:
            wanted = pa.array([str(i) for i in ids], type=pa.string())
            table = table.filter(pc.is_in(table.column("unique_id"), value_set=wanted))
        keys = key_table(table)
        summary.records = len(pc.unique(keys.column("record")))
        summary.keys = keys.num_rows
        if ids is None:
            _replace_all_keys(keys)
        else:
            _replace_keys(ids, keys)
        summary.seconds["search_keys"] = time.perf_counter() - started
        started = time.perf_counter()
        summary.involvements, summary.addresses_created = _index_addresses(ids)
        summary.seconds["addresses"] = time.perf_counter() - started
    return summary


@contextmanager
def _roomy_cache():
    """SQLite's page cache is 2 MB by default; inserting a million rows, each checked against its parent
    row and indexed, reads far more than that over and over. A larger cache for the length of the write."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB, as a negative number of KiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


KEY_SCHEMA = pa.schema([("record", pa.int64()), ("key", pa.string())])


def key_table(table: pa.Table) -> pa.Table:
    """(record, key) for every record of a table of standardised records: `record_keys`, a million at once.

    The two keys every record has are made by DuckDB; only records with other family names (a few in a
    hundred) go through `record_keys` one by one for theirs.
    """
    con = duckdb.connect(config={"threads": 1})
    try:
        con.register(
            "records",
            table.select(["unique_id", "given_name", "family_name_dm", "family_names", "birth_year"]),
        )
        # The kinds are this module's constants ("n", "y"), not input.
        common = con.sql(
            f"SELECT CAST(unique_id AS BIGINT) AS record, '{NAME}:' || family_name_dm || '|' || given_name"  # noqa: S608
            " AS key FROM records WHERE family_name_dm IS NOT NULL AND given_name IS NOT NULL"
            f" UNION ALL SELECT CAST(unique_id AS BIGINT), '{YEAR}:' || family_name_dm || '|' || birth_year"
            " FROM records WHERE family_name_dm IS NOT NULL AND birth_year IS NOT NULL"
        ).to_arrow_table()
        others = con.execute(
            "SELECT unique_id, given_name, family_name_dm, family_names FROM records"
            " WHERE given_name IS NOT NULL AND len(family_names) > 1"
        ).fetchall()
    finally:
        con.close()
    extra = [
        (int(record), key)
        for record, given, family_dm, family_names in others
        for key in record_keys(given, family_dm, family_names, None)
        if not key.startswith(f"{NAME}:{family_dm}|")
    ]
    extra_table = pa.table(
        {"record": [r for r, _k in extra], "key": [k for _r, k in extra]}, schema=KEY_SCHEMA
    )
    return pa.concat_tables([common.cast(KEY_SCHEMA), extra_table]).sort_by([("record", "ascending")])


def _replace_keys(ids: list[int], keys: pa.Table) -> None:
    """The keys of these records (and no others) become `keys`."""
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE partner_record_id IN ({placeholders})", chunk)  # noqa: S608
    bulk.insert_rows(SearchKey, ("partner_record", "key"), _key_rows(keys))


def _key_rows(keys: pa.Table):
    return zip(keys.column("record").to_pylist(), keys.column("key").to_pylist(), strict=True)


def _replace_all_keys(keys: pa.Table) -> None:
    """Every record's keys. Most runs change few, so only the records whose keys differ are rewritten; when
    most differ (the first run, a change to standardisation) the whole table is rebuilt."""
    stale = _records_with_other_keys(keys)
    if stale is not None and len(stale) <= keys.num_rows // 8:
        subset = keys.filter(pc.is_in(keys.column("record"), value_set=pa.array(stale, type=pa.int64())))
        _replace_keys(stale, subset)
        return
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            # PostgreSQL: COPY keeps the indexes up to date quickly enough, and dropping them would lock
            # searches out until the run commits.
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - the name is the model's
            bulk.insert_rows(SearchKey, ("partner_record", "key"), _key_rows(keys))
            # Statistics from before the rewrite (an empty table, on a first run) would have the planner
            # scan two million keys for every search until autovacuum came round.
            cursor.execute(f"ANALYZE {table}")
            return
        # SQLite: building each index once over two million keys is several times quicker than keeping it
        # up to date through the inserts. Inside the transaction, so readers see the old keys, indexes and
        # all, until it commits.
        quote = connection.ops.quote_name
        indexes = [
            (quote(index.name), ", ".join(quote(SearchKey._meta.get_field(f).column) for f in index.fields))
            for index in SearchKey._meta.indexes
        ]
        for name, _columns in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        bulk.insert_rows(SearchKey, ("partner_record", "key"), _key_rows(keys))
        for name, columns in indexes:
            cursor.execute(f"CREATE INDEX {name} ON {table} ({columns})")


def _records_with_other_keys(keys: pa.Table) -> list[int] | None:
    """Records whose stored keys differ from `keys`, those stored that should have none included; None when
    nothing is stored yet."""
    records, stored_keys = [], []
    # A server-side cursor on PostgreSQL, so the two million rows stream rather than arrive at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT partner_record_id, key FROM {SearchKey._meta.db_table}")  # noqa: S608
        while batch := cursor.fetchmany(50_000):
            records.extend(row[0] for row in batch)
            stored_keys.extend(row[1] for row in batch)
    if not records:
        return None
    stored = pa.table({"record": records, "key": stored_keys}, schema=KEY_SCHEMA)
    con = duckdb.connect(config={"threads": 1})
    try:
        con.register("stored", stored)
        con.register("wanted", keys)
        differ = con.execute(
            "SELECT DISTINCT record FROM ("
            "(SELECT record, key FROM stored EXCEPT ALL SELECT record, key FROM wanted)"
            " UNION ALL (SELECT record, key FROM wanted EXCEPT ALL SELECT record, key FROM stored))"
            " ORDER BY record"
        ).fetchall()
    finally:
        con.close()
    return [row[0] for row in differ]


def _all_model_rows() -> list[dict]:
    from mast.identity.record_store import standardised_records

    return standardised_records().to_pylist()


def _model_rows(ids: list[int]) -> list[dict]:
    """Standardised rows of these records, if still current (not removed by their partner)."""
    rows = []
    for start in range(0, len(ids), CHUNK):
        for values in PartnerRecord.objects.filter(
            pk__in=ids[start : start + CHUNK], removed_at__isnull=True
        ).values(*FIELDS):
            rows.append(_model_row(values))
    return rows


def _model_row(values: dict) -> dict:
    record = dict(values, record_id=str(values["pk"]), source=values["source__code"])
    # As for matching (record_store): a malformed postcode is kept for people to see, but is no evidence.
    if "postcode" in (values.get("flags") or {}):
        record["postcode"] = ""
    return linkage.model_row(record)


_ADDRESS_FIELDS = ("address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn")


def _index_addresses(ids: list[int] | None) -> tuple[int, int]:
    """Standardised addresses for involvements: (involvements indexed, addresses created).

    For a load (`ids`): the involvements of the records it changed, those it changed itself and any new ones.
    For a full run: every current involvement that has no address yet.
    """
    current = Involvement.objects.filter(removed_at__isnull=True)
    columns = ("pk", *_ADDRESS_FIELDS, "flags")
    if ids is None:
        rows = _involvements_without_address()
    else:
        loads = set()
        targets_set: set[int] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            loads.update(PartnerRecord.objects.filter(pk__in=chunk).values_list("changed_load_id", flat=True))
            targets_set.update(current.filter(partner_record_id__in=chunk).values_list("pk", flat=True))
        targets_set.update(current.filter(changed_load_id__in=loads).values_list("pk", flat=True))
        newest = InvolvementAddress.objects.order_by("-involvement_id").values_list("involvement_id").first()
        targets_set.update(current.filter(pk__gt=newest[0] if newest else 0).values_list("pk", flat=True))
        targets = sorted(targets_set)
        for start in range(0, len(targets), CHUNK):
            InvolvementAddress.objects.filter(involvement_id__in=targets[start : start + CHUNK]).delete()
        rows = (
            row
            for start in range(0, len(targets), CHUNK)
            for row in current.filter(pk__in=targets[start : start + CHUNK]).values_list(*columns)
        )

    keyed: list[tuple[int, str]] = []
    first_seen: dict[str, tuple] = {}
    # Partners repeat an address across a person's involvements: each written form is standardised once.
    seen: dict[tuple, tuple[str, tuple]] = {}
    for values in rows:
        flags = values[-1]
        # Flags come as JSON text from plain SQL on SQLite, as a dict otherwise.
        flagged = '"postcode"' in flags if isinstance(flags, str) else "postcode" in (flags or {})
        written = (*values[1:-1], flagged)
        if written not in seen:
            seen[written] = _standard_address(*written)
        key, address = seen[written]
        if key:
            keyed.append((values[0], key))
            first_seen.setdefault(key, address)
    if not keyed:
        return 0, 0
    address_ids = _address_ids(first_seen)
    created = len(first_seen) - len(address_ids)
    if created:
        now_missing = {k: v for k, v in sorted(first_seen.items()) if k not in address_ids}
        bulk.insert_rows(
            Address, ("key", "uprn", "line_1", "line_2", "line_3", "town", "postcode"),
            ((key, *address) for key, address in now_missing.items()),
        )  # fmt: skip
        address_ids.update(_address_ids(now_missing))
    bulk.insert_rows(
        InvolvementAddress, ("involvement", "address"), ((inv, address_ids[key]) for inv, key in keyed)
    )
    if connection.vendor == "postgresql" and len(keyed) > 100_000:
        with connection.cursor() as cursor:  # as for the keys: fresh statistics after a large fill
            for model in (Address, InvolvementAddress):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return len(keyed), created


def _involvements_without_address():
    """(id, address fields…, flags) of every current involvement with no standardised address, in one pass:
    plain SQL, since a first run meets well over a million and the ORM's conversions would cost more than
    the reading."""
    involvement = connection.ops.quote_name(Involvement._meta.db_table)
    standard = connection.ops.quote_name(InvolvementAddress._meta.db_table)
    columns = ", ".join(f"i.{connection.ops.quote_name(c)}" for c in ("id", *_ADDRESS_FIELDS, "flags"))
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {involvement} AS i LEFT JOIN {standard} AS a ON a.involvement_id = i.id"  # noqa: S608
            " WHERE i.removed_at IS NULL AND a.id IS NULL"
        )
        while batch := cursor.fetchmany(20_000):
            yield from batch


def _standard_address(
    line_1: str, line_2: str, line_3: str, town: str, postcode: str, uprn: str, postcode_flagged: bool
) -> tuple[str, tuple]:
    """(key, (uprn, lines…, town, postcode)) for an involvement's address; "" for the key when it cannot be
    found by postcode or UPRN (no address, or a malformed postcode and no UPRN)."""
    # A malformed postcode is kept for people to read, but is not where anyone can be looked up.
    code = "" if postcode_flagged else normalise_postcode(postcode)
    key = _address_key(line_1, line_2, line_3, code, uprn)
    return key, ((uprn or "")[:12], line_1, line_2, line_3, town, code)


def _address_key(line_1: str, line_2: str, line_3: str, code: str, uprn: str) -> str:
    # Keyed by postcode and number before UPRN: one partner sends a UPRN and another does not, and a
    # practitioner looking up the house should find one address with both partners' involvements at it.
    key = address_key(line_1, line_2, line_3, code, "")
    if not key and normalise_uprn(uprn):
        key = f"uprn:{normalise_uprn(uprn)}"
    if not key and " " in code and (line_1 or line_2 or line_3):
        # Not one dwelling by the matcher's rules ('Mill Road' with no number), but still a place a
        # practitioner may look up by postcode: keyed by its words, never merged with a numbered address.
        key = f"text:{code}|{normalise_name(' '.join(p for p in (line_1, line_2, line_3) if p))}"
    return key[:200]


def _address_ids(by_key: dict[str, tuple]) -> dict[str, int]:
    keys = list(by_key)
    if len(keys) > 50_000:
        wanted = set(keys)
        return {
            k: pk
            for k, pk in Address.objects.values_list("key", "pk").iterator(chunk_size=20_000)
            if k in wanted
        }
    found: dict[str, int] = {}
    for start in range(0, len(keys), CHUNK):
        found.update(Address.objects.filter(key__in=keys[start : start + CHUNK]).values_list("key", "pk"))
    return found


# -- finding candidates --------------------------------------------------------------------------------------


@cache
def _names_by_group() -> dict[str, frozenset[str]]:
    """Group name → every known given name whose groups include it: the reverse of `given_name_groups`."""
    from importlib.resources import files

    from nicknames import NickNamer

    # The standardiser's own sources: the nicknames package and the UK variants kept with it.
    universe = set()
    for name, canonicals in NickNamer().canonical_lookup.items():
        universe.add(name)
        universe.update(canonicals)
    variants = files("mast.identity").joinpath("data", "name_variants.csv").read_text(encoding="utf-8")
    for line in variants.splitlines()[1:]:
        universe.update(line.split(","))
    names_by_group: dict[str, set[str]] = defaultdict(set)
    for raw in universe:
        name = normalise_name(raw).split(" ", 1)[0]
        for group in given_name_groups(name):
            names_by_group[group].add(name)
    return {group: frozenset(names) for group, names in names_by_group.items()}


def equivalent_given_names(given_name: str) -> set[str]:
    """Every given name that may be the same name as this one (itself, nicknames, variants): the names whose
    groups meet its groups, which is what the model's nickname level tests."""
    name = normalise_name(given_name).split(" ", 1)[0]
    if not name:
        return set()
    by_group = _names_by_group()
    return {name}.union(*(by_group.get(group, ()) for group in given_name_groups(name)))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_slip_away(word: str) -> set[str]:
    """Every spelling one keying slip (deletion, swap, substitution, insertion) from a word of 3+ letters."""
    if len(word) < 3:
        return set()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
        | {a + c + b for a, b in splits for c in _LETTERS}
    ) - {word}


@dataclass
class _Found:
    """Candidate records, each with how strongly the look-ups that found it point at it."""

    strength: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_reference: set[int] = field(default_factory=set)
    by_nhs_number: set[int] = field(default_factory=set)

    def add(self, ids: Iterable[int], strength: int) -> None:
        for pk in set(ids):
            self.strength[pk] += strength

    def best(self, count: int) -> list[int]:
        """The records to score: found by exact identifiers, then by most look-ups at once."""
        return sorted(self.strength, key=lambda pk: (-self.strength[pk], pk))[:count]


# How much a look-up finding a record says about it, to choose which candidates to score. A record found by
# the name and the date of birth at once comes before one found by either; a slip of the keyboard counts less.
EXACT_ID, NAME_KEY, DATE, POSTCODE, YEAR_KEY, SLIP = 100, 4, 4, 3, 2, 1


def _records_by_keys(keys: Iterable[str]) -> list[int]:
    keys = sorted(set(keys))
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    found: list[int] = []
    # Plain SQL: the ORM's preparation of hundreds of parameters costs more than the look-up.
    with connection.cursor() as cursor:
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT partner_record_id FROM {table} WHERE key IN ({placeholders}) LIMIT {MAX_FOUND}",  # noqa: S608
                chunk,
            )
            found += [row[0] for row in cursor.fetchall()]
    return found


def _candidates(query: SearchQuery, row: dict) -> _Found:
    """Records worth scoring against the query, `row` being the query standardised as a record is."""
    found = _Found()
    current = PartnerRecord.objects.filter(removed_at__isnull=True)
    if query.reference:
        references = {query.reference, query.reference.upper()}
        # The unique (source, reference) indexes lead with the source: name every source to use them.
        sources = list(Source.objects.values_list("pk", flat=True))
        found.by_reference.update(
            current.filter(source_id__in=sources, person_ref__in=references).values_list("pk", flat=True)
        )
        found.by_reference.update(
            Involvement.objects.filter(source_id__in=sources, record_id__in=references).values_list(
                "partner_record_id", flat=True
            )
        )
    if len(query.nhs_digits) == 10:
        found.by_nhs_number.update(current.filter(nhs_number=query.nhs_digits).values_list("pk", flat=True))
    found.add(found.by_reference | found.by_nhs_number, EXACT_ID)

    # The names as the standardiser reads them, so the query's keys are made as the records' were.
    given = row["given_name"] or ""
    family = row["family_name"] or ""
    sounds = {row["family_name_dm"], *(double_metaphone(n)[0] for n in row["family_names"] or ())} - {
        None,
        "",
    }
    names = equivalent_given_names(given)
    birth = query.birth_date
    postcode = query.normalised_postcode

    # Exact look-ups: a date of birth (either way round), the family name's sound with any name the given
    # name may stand for, the postcode; the year of birth only when no fuller date narrows it.
    if birth.date:
        dates = [d for d in (birth.date, birth.swapped) if d]
        found.add(current.filter(date_of_birth__in=dates).values_list("pk", flat=True)[:MAX_FOUND], DATE)
    if sounds and names:
        found.add(_records_by_keys(_key(NAME, s, n) for s in sounds for n in names), NAME_KEY)
    if " " in postcode:
        found.add(current.filter(postcode=postcode).values_list("pk", flat=True)[:MAX_FOUND], POSTCODE)
    if birth.year and sounds and (not birth.date or not names):
        found.add(_records_by_keys(_key(YEAR, s, birth.year) for s in sounds), YEAR_KEY)
    if not sounds:
        return found
    # One keying slip on either name: the spellings are generated here, so the records need no more keys.
    slips = {double_metaphone(v)[0] for v in one_slip_away(family)} - sounds - {""}
    typo_keys = [_key(NAME, s, n) for s in sounds for n in one_slip_away(given) - names]
    typo_keys += [_key(NAME, s, n) for s in slips for n in names]
    if birth.year and not birth.date:
        typo_keys += [_key(YEAR, s, birth.year) for s in slips]
    found.add(_records_by_keys(typo_keys), SLIP)
    if not found.strength and not names and not birth.year:
        # A family name alone: records spelt that way, as partners write it.
        spellings = {query.family_name, query.family_name.upper(), query.family_name.title()}
        found.add(current.filter(family_name__in=spellings).values_list("pk", flat=True)[:MAX_SCORED], SLIP)
    return found


# -- scoring with the trained model --------------------------------------------------------------------------

# What each comparison is called in a reason; the model's own description for any other.
_TITLES = {
    "nhs_number": "NHS number",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address": "Address",
}
_MODEL_RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class _Level:
    gamma: int
    label: str
    weight: float  # bits of evidence: log2(m / u); 0 for the null level


@dataclass(frozen=True)
class _Comparison:
    name: str
    title: str
    levels: dict[int, _Level]


class Scorer:
    """The saved model's comparisons as one DuckDB query over (query, candidate) pairs.

    Built once per model version and shared by threads; each thread has its own DuckDB connection.
    """

    def __init__(self, saved: fs_model.SavedModel):
        self.version = saved.version
        settings = saved.settings
        prior = settings.get("probability_two_random_records_match") or 1e-4
        self.prior = math.log2(prior / (1 - prior))
        labels = saved.level_labels()
        self.comparisons: list[_Comparison] = []
        gammas = []
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            description = re.sub(r"\s*\(.*\)$", "", comparison.get("comparison_description") or name)
            levels, cases = {}, []
            # Splink's numbering, as in `SavedModel.level_labels`: the null level is -1, the others count down
            # from the strongest to 0 for the last ("else").
            non_null = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            for level in comparison["comparison_levels"]:
                null = level.get("is_null_level", False)
                gamma = -1 if null else len(non_null) - 1 - non_null.index(level)
                weight = 0.0 if null else _bits(level)
                levels[gamma] = _Level(gamma, labels[name].get(gamma, level["label_for_charts"]), weight)
                condition = level["sql_condition"]
                cases.append(
                    f"ELSE {gamma}"
                    if condition.strip().upper() == "ELSE"
                    else f"WHEN {condition} THEN {gamma}"
                )
            if not any(case.startswith("ELSE") for case in cases):
                cases.append("ELSE -1")
            self.comparisons.append(_Comparison(name, _TITLES.get(name, description), levels))
            gammas.append(f'CASE {" ".join(cases)} END AS "gamma_{name}"')
        columns = [c for c in linkage.SCHEMA.names if c != "unique_id"]
        pairs = ", ".join(f'q."{c}" AS "{c}_l", c."{c}" AS "{c}_r"' for c in columns)
        # Conditions and column names come from the saved model and the schema, never from a user.
        self.sql = (
            f"SELECT unique_id, {', '.join(gammas)} FROM ("  # noqa: S608
            f"SELECT c.unique_id AS unique_id, {pairs} "
            "FROM search_query AS q CROSS JOIN search_candidates AS c)"
        )
        self._local = threading.local()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        con = getattr(self._local, "connection", None)
        if con is None:
            # One thread each: a search is a few hundred rows, not worth a pool of DuckDB workers.
            con = self._local.connection = duckdb.connect(config={"threads": 1})
            # Planning is most of a search's scoring time, and a hundred rows need no optimiser.
            con.execute("PRAGMA disable_optimizer")
        return con

    def score(self, query_row: dict, candidate_rows: list[dict]) -> dict[str, list[_Level]]:
        """unique id → the level found for each comparison, in the model's order."""
        if not candidate_rows:
            return {}
        con = self._connection()
        con.register("search_query", linkage.to_table([query_row]))
        con.register("search_candidates", linkage.to_table(candidate_rows))
        try:
            rows = con.execute(self.sql).fetchall()
        finally:
            con.unregister("search_query")
            con.unregister("search_candidates")
        return {
            row[0]: [
                c.levels.get(g if g is not None else -1, _NULL)
                for c, g in zip(self.comparisons, row[1:], strict=True)
            ]
            for row in rows
        }

    def probability(self, levels: Sequence[_Level]) -> float:
        weight = self.prior + sum(level.weight for level in levels)
        return 1.0 / (1.0 + 2.0 ** (-weight)) if weight > -1000 else 0.0

    def reasons(self, levels: Sequence[_Level]) -> list[str]:
        """The comparisons that counted for the match, strongest first, in the model's words."""
        counted = sorted(
            (
                (level.weight, comparison.title, level.label)
                for comparison, level in zip(self.comparisons, levels, strict=True)
                if level.weight > 0
            ),
            key=lambda item: -item[0],
        )
        return [f"{title}: {_sentence_case(label)}" for _weight, title, label in counted]


_NULL = _Level(-1, "missing", 0.0)


def _bits(level: dict) -> float:
    m, u = level.get("m_probability"), level.get("u_probability")
    if not m or not u:
        # An untrained or impossible level: as good as no evidence, not infinite evidence.
        return 0.0
    return math.log2(m / u)


def _sentence_case(label: str) -> str:
    # "Day and month transposed" → "day and month transposed"; "NHS number missing" stays as it is.
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


_scorers: dict[str, tuple[float, str, Scorer]] = {}
_scorers_lock = threading.Lock()


def scorer() -> Scorer:
    """The scorer for the model matching uses now: the newest trained version, else the starter model.

    Rebuilt only when the newest version changes (checked every half minute), so a retrained model reaches
    a running web server without a restart.
    """
    from mast.identity import resolution

    directory = resolution.models_dir()
    cache_key = str(directory)
    now = time.monotonic()
    cached = _scorers.get(cache_key)
    if cached and now - cached[0] < _MODEL_RECHECK_SECONDS:
        return cached[2]
    with _scorers_lock:
        cached = _scorers.get(cache_key)
        if cached and now - cached[0] < _MODEL_RECHECK_SECONDS:
            return cached[2]
        saved = fs_model.latest_model(directory) or fs_model.starter_model()
        identity = f"{saved.path}:{saved.version}"
        built = cached[2] if cached and cached[1] == identity else Scorer(saved)
        _scorers[cache_key] = (now, identity, built)
        return built


# -- searching -----------------------------------------------------------------------------------------------


def _query_row(query: SearchQuery) -> dict:
    birth = query.birth_date
    return linkage.model_row(
        {
            "record_id": "query",
            "given_name": query.given_name,
            "family_name": query.family_name,
            "date_of_birth": birth.date,
            # A partial date counts for its year, as a partner's partial date does.
            "date_of_birth_raw": str(birth.year) if birth.year and not birth.date else "",
            "postcode": query.normalised_postcode,
            "address_line_1": query.address,
            "nhs_number": query.nhs_digits,
            "nhs_number_valid": query.nhs_number_valid,
        }
    )


def search_people(query: SearchQuery, *, limit: int = 20) -> list[PersonMatch]:
    """Active people whose current partner records match the query, best first, each with its reasons.

    A record with the partner reference asked for, or with the same valid NHS number, puts its person first.
    """
    if query.is_empty or limit <= 0:
        return []
    query_row = _query_row(query)
    found = _candidates(query, query_row)
    ids = found.best(MAX_SCORED)
    if not ids:
        return []
    person_of: dict[int, int] = {}
    rows: list[dict] = []
    for start in range(0, len(ids), CHUNK):
        for values in PartnerRecord.objects.filter(
            pk__in=ids[start : start + CHUNK],
            removed_at__isnull=True,
            link__person__status=Person.Status.ACTIVE,
        ).values(*FIELDS, "link__person_id"):
            person_of[values["pk"]] = values["link__person_id"]
            rows.append(_model_row(values))
    model = scorer()
    exact_nhs = found.by_nhs_number if query.nhs_number_valid else set()
    people: dict[int, list[tuple[tuple, int, float, list[str]]]] = defaultdict(list)
    for unique_id, levels in model.score(query_row, rows).items():
        record = int(unique_id)
        reasons = model.reasons(levels)
        if record in found.by_reference:
            reasons.insert(0, "Partner reference: the reference searched for")
        exact = record in found.by_reference or (record in exact_nhs and _agrees(model, levels, "nhs_number"))
        if not reasons:
            continue  # nothing agreed: found by a neighbouring key, not a match
        probability = 1.0 if record in found.by_reference else model.probability(levels)
        people[person_of[record]].append(((not exact, -probability, record), record, probability, reasons))
    matches = []
    for person, records in people.items():
        records.sort()
        rank, _record, probability, reasons = records[0]
        matches.append(
            (
                (rank[0], -probability, person),
                PersonMatch(person, probability, tuple(r[1] for r in records), tuple(reasons)),
            )
        )
    matches.sort(key=lambda m: m[0])
    return [match for _rank, match in matches[:limit]]


def _agrees(model: Scorer, levels: Sequence[_Level], comparison: str) -> bool:
    for c, level in zip(model.comparisons, levels, strict=True):
        if c.name == comparison:
            return level.weight > 0
    return False


# -- addresses -----------------------------------------------------------------------------------------------


def search_addresses(postcode: str, address: str = "", *, limit: int = 20) -> list[AddressMatch]:
    """Standardised addresses at a postcode (or in an outcode such as "NS9"), those that agree best with the
    address words given first, then those with most involvements; each with the number of involvements
    recorded there. Nothing without a postcode: a street name alone is many places."""
    code = normalise_postcode(" ".join(str(postcode or "").split())[:MAX_LENGTH])
    if not code or limit <= 0:
        return []
    addresses = Address.objects.all()
    if " " in code:
        addresses = addresses.filter(postcode=code)
    elif connection.vendor == "postgresql":
        addresses = addresses.filter(postcode__startswith=f"{code} ")  # its pattern-ops index
    else:
        # SQLite uses the index for a range, not for LIKE: 'NS9 ' up to, not including, 'NS9!'.
        addresses = addresses.filter(postcode__gte=f"{code} ", postcode__lt=f"{code}!")
    places = list(addresses.values_list("pk", "line_1", "line_2", "line_3", "town", "postcode")[:MAX_PLACES])
    wanted = parse_address(" ".join(str(address or "").split())[:MAX_LENGTH])
    words = any((wanted.house_number, wanted.flat, wanted.street, wanted.building))
    counts: dict[int, int] = {}
    ids = [place[0] for place in places]
    for start in range(0, len(ids), CHUNK):
        counts.update(
            InvolvementAddress.objects.filter(
                address_id__in=ids[start : start + CHUNK], involvement__removed_at__isnull=True
            )
            .values("address_id")
            .annotate(n=Count("pk"))
            .values_list("address_id", "n")
        )
    ranked = []
    for pk, line_1, line_2, line_3, town, place_code in places:
        if not counts.get(pk):
            continue  # every involvement there has been withdrawn or purged
        agreement = _address_agreement(wanted, parse_address(line_1, line_2, line_3)) if words else 0.0
        label = ", ".join(part for part in (line_1, line_2, line_3, town, place_code) if part)
        ranked.append((-agreement, -counts[pk], label, pk))
    ranked.sort()
    return [AddressMatch(pk, label, -negative) for _a, negative, label, pk in ranked[:limit]]


def _address_agreement(wanted, place) -> float:
    """How well an address agrees with the words searched for: house number or name, flat, street."""
    score = 0.0
    if wanted.house_number:
        score += 4.0 if wanted.house_number == place.house_number else -4.0
    if wanted.building:
        score += 4.0 * SequenceMatcher(None, wanted.building, place.building).ratio()
    if wanted.flat and place.flat:
        score += 2.0 if wanted.flat == place.flat else -2.0
    if wanted.street and place.street:
        score += 3.0 * SequenceMatcher(None, wanted.street, place.street).ratio()
    return score
