"""The index a practitioner's search reads, kept by identity matching: search keys for partner records and
standardised addresses for involvements.

Search looks candidates up exactly, so what it can find is what is written here: each record's `SearchKey`s
(a family name's sound with the given name, or with the year of birth) and each involvement's `Address`.
`index_records` keeps both; identity resolution calls it whenever it matches records, and a full run passes
the standardised records it already holds so nothing is standardised twice. The search side, which makes
the same keys from a query, is `search`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from mast.feeds import bulk
from mast.feeds.models import Involvement, PartnerRecord
from mast.identity import record_store
from mast.identity.matching import linkage
from mast.identity.matching.addresses import address_key, normalise_uprn
from mast.identity.matching.names import double_metaphone, normalise_name
from mast.identity.matching.postcodes import normalise_postcode
from mast.identity.models import Address, InvolvementAddress, SearchKey
from mast.identity.record_store import FIELDS

# -- search keys ---------------------------------------------------------------------------------------------

NAME, YEAR = "n", "y"
CHUNK = 500  # parameters per IN (...): well under every database's limit
FEW = 200  # records up to which keys are made row by row (a push), not by DuckDB over the table


def search_key(kind: str, sound: str, value: object) -> str:
    """A key as stored and as looked up: the query side makes its keys with this too."""
    return f"{kind}:{sound}|{value}"


def record_keys(given_name: str | None, family_dm: str | None, family_names, year: int | None) -> list[str]:
    """A record's search keys from its standardised fields (as in `linkage.model_row`): at most four.

    The family name's sound with the given name and with the year of birth; the sound of up to two other
    family names the record holds (an alias, a birth surname, a part of a double-barrelled name) with the
    given name. The record's given name is kept as written: the query looks up all the names it may stand for.
    """
    keys: list[str] = []
    if family_dm and given_name:
        keys.append(search_key(NAME, family_dm, given_name))
    if family_dm and year:
        keys.append(search_key(YEAR, family_dm, year))
    if given_name:
        others = sorted({double_metaphone(n)[0] for n in family_names or ()} - {family_dm, ""})
        keys += [search_key(NAME, sound, given_name) for sound in others[:2]]
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
    few = ids is not None and len(ids) <= FEW
    with bulk.timed_commit(summary.seconds, "search_commit"), nullcontext() if few else bulk.roomy_cache():
        if table is None:
            table = linkage.to_table(_model_rows(ids) if ids is not None else _all_model_rows())
        if ids is not None:
            wanted = pa.array([str(i) for i in ids], type=pa.string())
            table = table.filter(pc.is_in(table.column("unique_id"), value_set=wanted))
        keys = few_records_keys(table) if few else key_table(table)
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


def few_records_keys(table: pa.Table) -> pa.Table:
    """`key_table` for a push's few records, row by row in Python: the same keys under the same conditions
    (a value missing is NULL, as DuckDB reads it), without a DuckDB connection for a handful of rows."""
    rows = table.select(
        ["unique_id", "given_name", "family_name_dm", "family_names", "birth_year"]
    ).to_pylist()
    pairs: list[tuple[int, str]] = []
    for row in rows:
        record, given, family_dm = int(row["unique_id"]), row["given_name"], row["family_name_dm"]
        if family_dm is not None and given is not None:
            pairs.append((record, search_key(NAME, family_dm, given)))
        if family_dm is not None and row["birth_year"] is not None:
            pairs.append((record, search_key(YEAR, family_dm, row["birth_year"])))
        if given is not None and len(row["family_names"] or ()) > 1:
            # The other family names' keys: record_keys's, less the family name's own (made above).
            own = search_key(NAME, family_dm, given)
            pairs += [
                (record, key)
                for key in record_keys(given, family_dm, row["family_names"], None)
                if key != own
            ]
    pairs.sort(key=lambda pair: pair[0])
    return pa.table({"record": [r for r, _k in pairs], "key": [k for _r, k in pairs]}, schema=KEY_SCHEMA)


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
            # The insert refreshes the planner's statistics (feeds.bulk): from before the rewrite (an empty
            # table, on a first run) they would have searches scan two million keys until autovacuum came.
            bulk.insert_rows(SearchKey, ("partner_record", "key"), _key_rows(keys))
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
    return record_store.standardised_records().to_pylist()


def _model_rows(ids: list[int]) -> list[dict]:
    """Standardised rows of these records, if still current (not removed by their partner)."""
    rows = []
    for start in range(0, len(ids), CHUNK):
        for values in PartnerRecord.objects.filter(
            pk__in=ids[start : start + CHUNK], removed_at__isnull=True
        ).values(*FIELDS):
            rows.append(standardised_row(values))
    return rows


def standardised_row(values: dict) -> dict:
    """A partner record's `record_store.FIELDS` values standardised as matching reads them: the row its keys
    are made from, and the row search scores it by."""
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
            Address, ("public_id", "key", "uprn", "line_1", "line_2", "line_3", "town", "postcode"),
            ((public_id, key, *address) for public_id, (key, address) in zip(
                bulk.random_uuid_hex(len(now_missing)), now_missing.items(), strict=True)),
        )  # fmt: skip
        address_ids.update(_address_ids(now_missing))
    bulk.insert_rows(
        InvolvementAddress, ("involvement", "address"), ((inv, address_ids[key]) for inv, key in keyed)
    )
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
