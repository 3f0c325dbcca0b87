"""Standardising a whole table of records at once, in SQL on DuckDB: the full run's path (docs/scale.md).

`standardise.model_columns` does the same per record in Python, with a cache per distinct value; this module
gives exactly the same rows (`linkage.SCHEMA`, as `linkage.model_row` builds them), which
tests/identity/test_standardise_sql.py checks record by record on a synthetic region. Here each distinct
name, date, postcode and set of address lines is standardised once, in SQL over Arrow, and joined back: no
Python object per record. The lookup tables and the three Arrow functions it needs are in sql_lookups.py;
why SQL at all is in docs/decisions/0019-standardising-in-sql.md.

The input is `RAW_SCHEMA`: the canonical record's fields as partners' loads leave them (a malformed postcode
already blanked, as record_store does). Missing values may be null or "": both mean "not known".
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from mast.identity.matching import names, sql_lookups
from mast.identity.matching.engine_settings import duckdb_config
from mast.identity.matching.linkage import SCHEMA

TEXT_FIELDS = (
    "record_id", "source", "given_name", "middle_names", "family_name", "other_names", "date_of_birth_raw",
    "sex", "address_line_1", "address_line_2", "address_line_3", "postcode", "uprn", "nhs_number",
)  # fmt: skip
RAW_SCHEMA = pa.schema(
    [(name, pa.string()) for name in TEXT_FIELDS]
    + [("date_of_birth", pa.date32()), ("nhs_number_valid", pa.bool_())]
)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# names.normalise_name as SQL, on a value already folded (mast_fold_text): digits read as letters,
# apostrophes and full stops dropped, other punctuation to one space, leading titles and trailing suffixes
# off (the last token is never dropped as a suffix: the regex needs a space before each).
_APOSTROPHES = _quoted(names._APOSTROPHES_AND_STOPS.pattern)
_TITLES = _quoted(f"^(?:(?:{_alternation(names._TITLES)})(?: |$))+")
_SUFFIXES = _quoted(f"(?: (?:{_alternation(names._SUFFIXES)}))+$")
MACROS = f"""
CREATE OR REPLACE TEMP MACRO mast_fold_text(t) AS
    CASE WHEN strlen(t) = length(t) THEN lower(t) ELSE mast_fold(t) END;
CREATE OR REPLACE TEMP MACRO mast_normalise(folded) AS
    regexp_replace(regexp_replace(trim(regexp_replace(regexp_replace(
        translate(folded, '015', 'ols'), {_APOSTROPHES}, '', 'g'), '[^\\p{{L}}\\p{{N}}]+', ' ', 'g')),
        {_TITLES}, ''), {_SUFFIXES}, '');
CREATE OR REPLACE TEMP MACRO mast_tokens(n) AS
    CASE WHEN n = '' THEN []::VARCHAR[] ELSE string_split(n, ' ') END;
CREATE OR REPLACE TEMP MACRO mast_name_tokens(t) AS mast_tokens(mast_normalise(mast_fold_text(t)));
CREATE OR REPLACE TEMP MACRO mast_known_name(t) AS t IN (SELECT name FROM mast_known);
-- names.short_form_stem: a pet form's ending off ('freddie' → 'fred'), a doubled last letter single.
CREATE OR REPLACE TEMP MACRO mast_undoubled(s) AS
    CASE WHEN length(s) >= 3 AND right(s, 1) = substr(s, length(s) - 1, 1) THEN left(s, length(s) - 1)
         ELSE s END;
CREATE OR REPLACE TEMP MACRO mast_stem(name) AS CASE
    WHEN length(mast_undoubled(regexp_replace(name, '(?:ie|ey|y)$', ''))) >= 2
    THEN mast_undoubled(regexp_replace(name, '(?:ie|ey|y)$', '')) ELSE name END;
CREATE OR REPLACE TEMP MACRO mast_ok_date(y, m, d) AS
    y::INT BETWEEN 1880 AND 2100 AND m::INT BETWEEN 1 AND 12 AND d::INT BETWEEN 1 AND 31;
CREATE OR REPLACE TEMP MACRO mast_birth_year(raw) AS list_filter(list_transform(
    regexp_extract_all(coalesce(raw, ''), '[0-9]+'), lambda r: CASE
        WHEN length(r) = 4 AND mast_ok_date(r, '01', '01') THEN r::INT
        WHEN length(r) = 6 AND mast_ok_date(r[1:4], r[5:6], '01') THEN r[1:4]::INT
        WHEN length(r) = 6 AND mast_ok_date(r[3:6], r[1:2], '01') THEN r[3:6]::INT
        WHEN length(r) = 8 AND mast_ok_date(r[1:4], r[5:6], r[7:8]) THEN r[1:4]::INT
        WHEN length(r) = 8 AND mast_ok_date(r[5:8], r[3:4], r[1:2]) THEN r[5:8]::INT
    END), lambda y: y IS NOT NULL)[1];
"""  # noqa: S608 (constants of this module and names.py, no input)

# Every text field as "" when missing, and a row number to give the rows back in their order.
RAW = f"""
CREATE OR REPLACE TEMP TABLE mast_raw AS SELECT mast_rn, date_of_birth, coalesce(nhs_number_valid, false)
    AS nhs_number_valid, {", ".join(f"coalesce({f}, '') AS {f}" for f in TEXT_FIELDS)} FROM mast_raw_arrow
"""  # noqa: S608 (the field names are this module's own)

# Each distinct name value normalised once; then each distinct set of four name fields standardised once.
NAMES = """
CREATE OR REPLACE TEMP TABLE mast_name_values AS
SELECT v, mast_normalise(mast_fold_text(v)) AS n FROM (
    SELECT given_name AS v FROM mast_raw UNION SELECT middle_names FROM mast_raw
    UNION SELECT family_name FROM mast_raw UNION SELECT other_names FROM mast_raw);

CREATE OR REPLACE TEMP TABLE mast_name_sets AS
WITH sets AS (SELECT DISTINCT given_name AS g, middle_names AS m, family_name AS f, other_names AS o
              FROM mast_raw),
tokens AS (
    SELECT g, m, f, o, mast_tokens(gv.n) AS gt, mast_tokens(fv.n) AS ft, mv.n AS mn, mast_tokens(ov.n) AS ot
    FROM sets JOIN mast_name_values gv ON gv.v = g JOIN mast_name_values fv ON fv.v = f
    JOIN mast_name_values mv ON mv.v = m JOIN mast_name_values ov ON ov.v = o),
split AS (  -- standardise._split_names: a whole name typed into one field put back in two
    SELECT g, m, f, o, mn, ot,
        CASE WHEN len(ft) = 0 AND len(gt) >= 2 THEN
                 CASE WHEN contains(g, ',') THEN mast_name_tokens(substr(g, strpos(g, ',') + 1))
                      ELSE gt[1:len(gt) - 1] END
             WHEN len(gt) = 0 AND len(ft) >= 2 THEN
                 CASE WHEN contains(f, ',') THEN mast_name_tokens(substr(f, strpos(f, ',') + 1))
                      ELSE ft[1:1] END
             WHEN len(gt) >= 2 AND NOT mast_known_name(gt[1])
                  AND (length(gt[1]) <= 3 OR mast_known_name(gt[1] || gt[2])) THEN [gt[1] || gt[2]] || gt[3:]
             ELSE gt END AS given_tokens,
        CASE WHEN len(ft) = 0 AND len(gt) >= 2 THEN
                 CASE WHEN contains(g, ',') THEN mast_name_tokens(left(g, strpos(g, ',') - 1))
                      ELSE gt[len(gt):] END
             WHEN len(gt) = 0 AND len(ft) >= 2 THEN
                 CASE WHEN contains(f, ',') THEN mast_name_tokens(left(f, strpos(f, ',') - 1)) ELSE ft[2:] END
             ELSE ft END AS family_tokens
    FROM tokens)
SELECT g, m, f, o,
    coalesce(given_tokens[1], '') AS given,
    nullif(split_part(mn, ' ', 1), '') AS middle_name,
    array_to_string(family_tokens, '') AS family,
    list_sort(list_distinct(list_filter(
        [array_to_string(family_tokens, '')] || family_tokens || ot, lambda t: t <> ''))) AS family_names
FROM split;
"""

# names.given_name_groups per distinct given name: itself, its canonical names, and for a name in no list a
# known name one keyboard slip away (Damerau-Levenshtein 1: a deletion, transposition, substitution or
# insertion, as names._one_edit) when all such names share a group. Known names are all a-z, so an edit
# that reaches one only ever brings in a letter, as _one_edit's do. A lone title normalises to nothing.
GROUPS = """
CREATE OR REPLACE TEMP TABLE mast_given AS
SELECT DISTINCT given AS first FROM mast_name_sets
WHERE given <> '' AND given NOT IN (SELECT token FROM mast_titles);

CREATE OR REPLACE TEMP TABLE mast_given_groups AS
WITH unknown AS (
    SELECT first FROM mast_given WHERE length(first) >= 4 AND NOT mast_known_name(first)),
-- Two words one edit apart have a word in common once at most one letter is deleted from each (a deletion,
-- insertion or substitution, or a transposition's two letters in turn): only such pairs are compared.
unknown_deleted AS (
    SELECT first, CASE WHEN i = 0 THEN first ELSE left(first, i - 1) || substr(first, i + 1) END AS key
    FROM (SELECT first, unnest(range(0, length(first) + 1)) AS i FROM unknown)),
known_deleted AS (
    SELECT name, CASE WHEN i = 0 THEN name ELSE left(name, i - 1) || substr(name, i + 1) END AS key
    FROM (SELECT name, unnest(range(0, length(name) + 1)) AS i FROM mast_known)),
candidates AS (SELECT DISTINCT first, name FROM unknown_deleted JOIN known_deleted USING (key)),
near AS (SELECT first, name AS w FROM candidates WHERE damerau_levenshtein(first, name) = 1),
near_groups AS (SELECT near.first, near.w, grp FROM near JOIN mast_groups ON mast_groups.name = near.w),
near_count AS (SELECT first, count(DISTINCT w) AS n FROM near GROUP BY first),
shared AS (
    SELECT DISTINCT near_groups.first FROM near_groups JOIN near_count USING (first)
    GROUP BY near_groups.first, grp, n HAVING count(DISTINCT w) = n),
all_groups AS (
    SELECT first, first AS grp FROM mast_given
    UNION SELECT first, canonical FROM mast_given JOIN mast_canonicals ON mast_canonicals.name = first
    UNION SELECT first, grp FROM near_groups WHERE first IN (SELECT first FROM shared))
SELECT first, list_sort(list(DISTINCT grp)) AS groups FROM all_groups GROUP BY first;
"""

# Double Metaphone per distinct name (names.double_metaphone: "mps" read as "ms"; a lone title is nothing).
METAPHONE = """
CREATE OR REPLACE TEMP TABLE mast_metaphone AS
SELECT v, nullif(mast_metaphone(replace(v, 'mps', 'ms')), '') AS code FROM (
    SELECT given AS v FROM mast_name_sets UNION SELECT family FROM mast_name_sets)
WHERE v <> '' AND v NOT IN (SELECT token FROM mast_titles);
"""

# standardise._address per distinct lines, postcode and UPRN: the postcode and UPRN in SQL, the lines parsed
# by mast_parse_address once per distinct set of lines.
# An address of the commonest shapes, in ASCII: '12 Mill Road' or '12a Mill Road' on one line, or 'Flat 3'
# and the same on the next line or after a comma, with nothing else. addresses._parse_address gives these
# flat '3' (or none), number '12' and the street parsed from 'mill road' (no building, no letter after the
# number, no trailing 'flat 3', which the regular expression and the test before it rule out). So only the
# street is parsed in Python (mast_street, once per distinct street); any other shape is parsed whole.
_SIMPLE_ADDRESS = _quoted("^(?:flat ([0-9]+[a-z]?), ?)?([0-9]+[a-z]?) ([a-z]{2,}(?: [a-z]+)*)$")
ADDRESSES = f"""
CREATE OR REPLACE TEMP TABLE mast_line_shapes AS
WITH sets AS (
    SELECT DISTINCT address_line_1 AS l1, address_line_2 AS l2, address_line_3 AS l3 FROM mast_raw),
joined AS (SELECT l1, l2, l3, lower(concat_ws(',', nullif(l1, ''), nullif(l2, ''), nullif(l3, ''))) AS j
           FROM sets)
SELECT l1, l2, l3, CASE
    WHEN strlen(j) = length(j) AND NOT regexp_matches(j, ' (?:flat|flt|apartment|apt|unit)(?: |$)')
    THEN regexp_extract(j, {_SIMPLE_ADDRESS}, ['flat', 'number', 'street']) END AS simple
FROM joined;

CREATE OR REPLACE TEMP TABLE mast_streets AS
SELECT street, mast_street(street) AS parsed FROM (
    SELECT DISTINCT simple.street AS street FROM mast_line_shapes WHERE simple.number <> '');

CREATE OR REPLACE TEMP TABLE mast_lines AS
SELECT l1, l2, l3, {{'flat': simple.flat, 'house_number': simple.number, 'street': st.parsed, 'building': ''}}
    AS parsed
FROM mast_line_shapes JOIN mast_streets st ON st.street = simple.street
WHERE simple.number <> ''
UNION ALL
SELECT l1, l2, l3, mast_parse_address(l1, l2, l3) AS parsed FROM mast_line_shapes
WHERE simple IS NULL OR simple.number = '';

CREATE OR REPLACE TEMP TABLE mast_postcodes AS
WITH squashed AS (
    SELECT p, upper(regexp_replace(p, '[^0-9A-Za-z]', '', 'g')) AS s
    FROM (SELECT DISTINCT postcode AS p FROM mast_raw))
SELECT p, CASE
    WHEN regexp_full_match(s, '([A-Z]{{1,2}}[0-9][A-Z0-9]?)([0-9][A-Z]{{2}})')
        THEN regexp_replace(s, '^([A-Z]{{1,2}}[0-9][A-Z0-9]?)([0-9][A-Z]{{2}})$', '\\1 \\2')
    WHEN regexp_full_match(s, '[A-Z]{{1,2}}[0-9][A-Z0-9]?') THEN s
    ELSE '' END AS code
FROM squashed;

CREATE OR REPLACE TEMP TABLE mast_addresses AS
WITH sets AS (SELECT DISTINCT address_line_1 AS l1, address_line_2 AS l2, address_line_3 AS l3,
                              postcode AS p, uprn AS u FROM mast_raw),
parts AS (
    SELECT sets.*, code, parsed.flat AS flat, parsed.house_number AS house_number,
        parsed.street AS street, coalesce(nullif(parsed.house_number, ''), parsed.building) AS dwelling,
        ltrim(regexp_replace(regexp_replace(regexp_replace(u, '^\\s+|\\s+$', '', 'g'), '\\.0+$', ''),
              '[^0-9]', '', 'g'), '0') AS digits
    FROM sets JOIN mast_lines USING (l1, l2, l3) JOIN mast_postcodes USING (p))
SELECT l1, l2, l3, p, u,
    nullif(code, '') AS postcode,
    nullif(split_part(code, ' ', 1), '') AS outcode,
    CASE WHEN contains(code, ' ') THEN split_part(code, ' ', 1) || ' ' || split_part(code, ' ', 2)[1] END
        AS postcode_sector,
    nullif(house_number, '') AS house_number,
    nullif(street, '') AS street,
    CASE WHEN digits <> '' THEN 'uprn:' || digits
         WHEN code <> '' AND dwelling <> ''
             THEN 'addr:' || code || '|' || dwelling || '|' || flat || '|' || street
    END AS address_key
FROM parts;
"""  # noqa: S608 (a constant of this module)

# Everything that depends on the names alone, once per distinct set of names; the sexes once per value.
NAME_COLUMNS = """
CREATE OR REPLACE TEMP TABLE mast_names AS
SELECT n.g, n.m, n.f, n.o,
    nullif(n.given, '') AS given_name,
    CASE WHEN n.given <> '' THEN mast_known_name(n.given) END AS given_name_known,
    CASE WHEN n.given <> '' AND length(n.given) <= 7 THEN mast_stem(n.given) END AS given_name_stem,
    n.middle_name,
    gg.groups AS given_name_groups,
    gm.code AS given_name_dm,
    nullif(n.family, '') AS family_name,
    CASE WHEN len(n.family_names) > 0 THEN n.family_names END AS family_names,
    fm.code AS family_name_dm
FROM mast_name_sets n
LEFT JOIN mast_given_groups gg ON gg.first = n.given
LEFT JOIN mast_metaphone gm ON gm.v = n.given
LEFT JOIN mast_metaphone fm ON fm.v = n.family;

CREATE OR REPLACE TEMP TABLE mast_sex_values AS
SELECT v, sx.sex FROM (SELECT DISTINCT sex AS v FROM mast_raw)
LEFT JOIN mast_sexes sx ON sx.raw = lower(regexp_replace(v, '^\\s+|\\s+$', '', 'g'));
"""

ROWS = """
SELECT r.record_id AS unique_id, r.source AS source,
    n.given_name, n.given_name_known, n.given_name_stem, n.middle_name, n.given_name_groups, n.given_name_dm,
    n.family_name, n.family_names, n.family_name_dm,
    strftime(r.date_of_birth, '%Y-%m-%d') AS dob,
    CASE WHEN r.date_of_birth IS NOT NULL THEN year(r.date_of_birth) ELSE mast_birth_year(r.date_of_birth_raw)
        END AS birth_year,
    sx.sex,
    CASE WHEN r.nhs_number_valid THEN nullif(regexp_replace(r.nhs_number, '[^0-9]', '', 'g'), '') END
        AS nhs_number,
    a.postcode, a.postcode_sector, a.outcode, a.house_number, a.street, a.address_key
FROM mast_raw r
JOIN mast_names n ON n.g = r.given_name AND n.m = r.middle_names AND n.f = r.family_name
    AND n.o = r.other_names
JOIN mast_addresses a ON a.l1 = r.address_line_1 AND a.l2 = r.address_line_2 AND a.l3 = r.address_line_3
    AND a.p = r.postcode AND a.u = r.uprn
JOIN mast_sex_values sx ON sx.v = r.sex
ORDER BY r.mast_rn
"""


def standardise_table(raw: pa.Table, connection: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """Records in `RAW_SCHEMA` → their standardised rows in `linkage.SCHEMA`, in the same order."""
    own = connection is None
    con = duckdb.connect(config=duckdb_config()) if own else connection
    try:
        sql_lookups.install(con)
        con.execute(MACROS)
        numbered = raw.select(RAW_SCHEMA.names).cast(RAW_SCHEMA)
        numbered = numbered.append_column("mast_rn", pa.array(range(raw.num_rows), type=pa.int64()))
        con.register("mast_raw_arrow", numbered)
        con.execute(RAW)
        con.unregister("mast_raw_arrow")
        for step in (NAMES, GROUPS, METAPHONE, NAME_COLUMNS, ADDRESSES):
            con.execute(step)
        return con.sql(ROWS).to_arrow_table().cast(SCHEMA)
    finally:
        if own:
            con.close()


def raw_table(records: Iterable[dict]) -> pa.Table:
    """Canonical record dicts (as `standardise.model_columns` takes them) → a `RAW_SCHEMA` table."""
    columns: dict[str, list] = {name: [] for name in RAW_SCHEMA.names}
    text = [(name, columns[name]) for name in TEXT_FIELDS]
    dates, valid = columns["date_of_birth"], columns["nhs_number_valid"]
    for record in records:
        get = record.get
        for name, column in text:
            value = get(name)
            column.append(None if value is None else str(value))
        dates.append(get("date_of_birth"))
        valid.append(bool(get("nhs_number_valid")))
    return pa.table(
        {name: pa.array(values, type=RAW_SCHEMA.field(name).type) for name, values in columns.items()}
    )
