"""What the SQL standardisation (standardise_sql.py) joins and calls: lookup tables and three Arrow functions.

The lookup tables are the same lists the Python standardisers read — nicknames and variants (names.py),
titles, sexes — put into DuckDB once per connection as tables, so the SQL joins them instead of a Python dict
being consulted per record.

Three steps have no SQL equivalent, and run as DuckDB functions over Arrow arrays, once per distinct value:

- folding text that is not ASCII (NFKD with the combining marks dropped, and Python's casefold): DuckDB's
  `strip_accents` and `lower` differ from them on letters such as 'ß' and 'ø'; ASCII text is folded in SQL;
- Double Metaphone, a C++ extension with no SQL counterpart;
- parsing address lines into flat, number, street and building (addresses.py): a sequence of regular
  expressions whose later steps depend on what the earlier ones found. Addresses repeat heavily (a
  household's members share one), so it is called once per distinct set of lines, not per record.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from doublemetaphone import doublemetaphone as _doublemetaphone

from mast.identity.matching import names
from mast.identity.matching.addresses import _parse_address, _street
from mast.identity.matching.names import _build_canonicals, _fold, _known_names
from mast.identity.matching.standardise import _SEXES as SEXES

ADDRESS_PARTS = {"flat": "VARCHAR", "house_number": "VARCHAR", "street": "VARCHAR", "building": "VARCHAR"}


def _fold_arrow(values: pa.Array) -> pa.Array:
    return pa.array([None if v is None else _fold(v) for v in values.to_pylist()], type=pa.string())


def _metaphone_arrow(values: pa.Array) -> pa.Array:
    # The primary code, "" when there is none (the SQL makes that null).
    return pa.array(
        [_doublemetaphone(value)[0] if value else "" for value in values.to_pylist()], pa.string()
    )


def _address_arrow(line_1: pa.Array, line_2: pa.Array, line_3: pa.Array) -> pa.Array:
    parsed = [
        _parse_address((a or "", b or "", c or ""))
        for a, b, c in zip(line_1.to_pylist(), line_2.to_pylist(), line_3.to_pylist(), strict=True)
    ]
    return pa.StructArray.from_arrays(
        [pa.array([getattr(p, part) for p in parsed], type=pa.string()) for part in ADDRESS_PARTS],
        names=list(ADDRESS_PARTS),
    )


def _street_arrow(values: pa.Array) -> pa.Array:
    return pa.array([_street(v) for v in values.to_pylist()], type=pa.string())


def _table(name: str, columns: dict[str, list]) -> tuple[str, pa.Table]:
    return name, pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})


def lookup_tables() -> list[tuple[str, pa.Table]]:
    canonicals = _build_canonicals()
    known = sorted(_known_names())
    pairs = [(name, c) for name, cands in canonicals.items() for c in sorted(cands)]
    # A known name's groups: itself and the canonical names it may stand for (names.given_name_groups).
    groups = [(name, name) for name in known] + [(n, c) for n, c in pairs if n in _known_names()]
    return [
        _table("mast_known", {"name": known}),
        _table("mast_canonicals", {"name": [n for n, _ in pairs], "canonical": [c for _, c in pairs]}),
        _table("mast_groups", {"name": [n for n, _ in groups], "grp": [g for _, g in groups]}),
        _table("mast_titles", {"token": sorted(names._TITLES)}),
        _table("mast_sexes", {"raw": list(SEXES), "sex": list(SEXES.values())}),
    ]


def install(connection: duckdb.DuckDBPyConnection) -> None:
    """The lookup tables and the Arrow functions, into this connection."""
    for name, table in lookup_tables():
        connection.register(f"{name}_arrow", table)
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
        connection.unregister(f"{name}_arrow")
    text = duckdb.sqltype("VARCHAR")
    connection.create_function("mast_fold", _fold_arrow, [text], text, type="arrow")
    connection.create_function("mast_metaphone", _metaphone_arrow, [text], text, type="arrow")
    connection.create_function("mast_street", _street_arrow, [text], text, type="arrow")
    parts = duckdb.struct_type({k: duckdb.sqltype(v) for k, v in ADDRESS_PARTS.items()})
    connection.create_function("mast_parse_address", _address_arrow, [text, text, text], parts, type="arrow")
