"""Standardise headline records into the columns the record-linkage model compares.

Pure Python: no Django, no database. The linkage model (Splink on DuckDB) calls `standardise()` once per
record, so everything that depends on one field value alone is cached per distinct value
(`functools.lru_cache`): names, streets and postcodes repeat a great deal across a million records.

Empty values come back as None from `standardise()`: Splink treats None as null ("not known"), never as a
disagreement. The same goes for empty lists.

Names, dates, postcodes and addresses are standardised by the modules of those names beside this one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from mast.identity.matching import CACHE_SIZE
from mast.identity.matching.addresses import _parse_address, normalise_uprn
from mast.identity.matching.dates import birth_year
from mast.identity.matching.names import (
    _known_names,
    double_metaphone,
    given_name_groups,
    name_tokens,
    normalise_name,
    short_form_stem,
)
from mast.identity.matching.paused_gc import paused_gc
from mast.identity.matching.postcodes import normalise_postcode

_SEXES = {"f": "female", "female": "female", "woman": "female", "girl": "female",
          "m": "male", "male": "male", "man": "male", "boy": "male"}  # fmt: skip


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# The per-record work is a handful of cached look-ups: one for the names, one for the address, one each for
# the small fields. Each cache keys on the raw values, so a repeated person or address costs one hash.


def _split_names(given_name: str, family_name: str) -> tuple[list[str], list[str]]:
    """The given and family name tokens, with a whole name typed into one field put back in two.

    'Lewis Morgan' with no family name is given 'lewis', family 'morgan'; 'Morgan, Lewis' (the register's
    order) is family 'morgan', given 'lewis'. A given name split by a stray space ('Har Risn'), whose first
    part is no known name and three letters or fewer, or whose halves make a known name, is joined again.
    """
    given, family = name_tokens(given_name), name_tokens(family_name)
    if not family and len(given) >= 2:
        if "," in given_name:
            before, _, after = given_name.partition(",")
            return name_tokens(after), name_tokens(before)
        return given[:-1], given[-1:]
    if not given and len(family) >= 2:
        if "," in family_name:
            before, _, after = family_name.partition(",")
            return name_tokens(after), name_tokens(before)
        return family[:1], family[1:]
    if len(given) >= 2 and given[0] not in _known_names():
        joined = given[0] + given[1]
        if len(given[0]) <= 3 or joined in _known_names():
            given = [joined, *given[2:]]
    return given, family


@lru_cache(maxsize=CACHE_SIZE)
def _names(given_name: Any, middle_names: Any, family_name: Any, other_names: Any) -> tuple[Any, ...]:
    given_tokens, family_list = _split_names(_text(given_name), _text(family_name))
    full = " ".join(given_tokens)
    given = given_tokens[0] if given_tokens else ""
    family_tokens = tuple(family_list)
    family = "".join(family_tokens)
    other = tuple(dict.fromkeys(name_tokens(_text(other_names))))
    return (
        given or None,
        full or None,
        normalise_name(_text(middle_names)) or None,
        family or None,
        family_tokens,
        other,
        double_metaphone(given)[0] or None,
        double_metaphone(family)[0] or None,
        given_name_groups(given),
    )


@lru_cache(maxsize=CACHE_SIZE)
def _address(line_1: Any, line_2: Any, line_3: Any, postcode: Any, uprn: Any) -> tuple[str | None, ...]:
    lines = (_text(line_1), _text(line_2), _text(line_3))
    parsed = _parse_address(lines)
    # The postcode is normalised once; its outcode and sector, and the address key, are cut from it as
    # `outcode`, `postcode_sector` and `address_key` would (each of them normalises again, to the same).
    code = normalise_postcode(_text(postcode))
    digits = normalise_uprn(uprn)
    out, _, inward = code.partition(" ")
    dwelling = parsed.house_number or parsed.building
    if digits:
        key = f"uprn:{digits}"
    elif code and dwelling:
        key = f"addr:{code}|{dwelling}|{parsed.flat}|{parsed.street}"
    else:
        key = ""
    return (
        code or None,
        out or None,
        f"{out} {inward[0]}" if inward else None,
        parsed.house_number or None,
        parsed.flat or None,
        parsed.street or None,
        key or None,
        digits or None,
    )


@lru_cache(maxsize=CACHE_SIZE)
def _date_of_birth(value: Any, raw: Any) -> tuple[str | None, int | None]:
    """(ISO date, birth year) from a date (or ISO text), else the year from the raw text."""
    date: dt.date | None = None
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    elif isinstance(value, str) and value:
        try:
            date = dt.date.fromisoformat(value.strip())
        except ValueError:
            date = None
    if date is not None:
        return date.isoformat(), date.year
    return None, birth_year(_text(raw))


@lru_cache(maxsize=CACHE_SIZE)
def _sex(value: Any) -> str | None:
    return _SEXES.get(_text(value).strip().casefold())


@lru_cache(maxsize=CACHE_SIZE)
def _nhs_number(value: Any) -> str | None:
    return re.sub(r"\D", "", _text(value)) or None


def standardise(record: dict[str, Any]) -> dict[str, Any]:
    """One headline record (a dict; missing keys count as empty) → a flat row of the linkage model's columns.

    Empty strings and empty lists become None, which Splink reads as null. Lists are new for each row.
    """
    get = record.get
    (given, given_full, middle, family, family_tokens, other, given_dm, family_dm, groups) = _names(
        get("given_name"), get("middle_names"), get("family_name"), get("other_names")
    )
    postcode, out, sector, house_number, flat, street, key, uprn = _address(
        get("address_line_1"), get("address_line_2"), get("address_line_3"), get("postcode"), get("uprn")
    )
    dob, year = _date_of_birth(get("date_of_birth"), get("date_of_birth_raw"))
    source = get("source")
    return {
        "unique_id": get("record_id"),
        "source_dataset": source if source else None,
        "given_name": given,
        "given_name_full": given_full,
        "middle_names": middle,
        "family_name": family,
        "family_name_tokens": list(family_tokens) if family_tokens else None,
        "other_family_names": list(other) if other else None,
        "given_name_dm": given_dm,
        "family_name_dm": family_dm,
        "given_name_groups": list(groups) if groups else None,
        "dob": dob,
        "birth_year": year,
        "sex": _sex(get("sex")),
        "postcode": postcode,
        "outcode": out,
        "postcode_sector": sector,
        "house_number": house_number,
        "flat": flat,
        "street": street,
        "address_key": key,
        "uprn": uprn,
        "nhs_number": _nhs_number(get("nhs_number")) if get("nhs_number_valid") else None,
    }


@lru_cache(maxsize=CACHE_SIZE)
def _model_names(given_name: Any, middle_names: Any, family_name: Any, other_names: Any) -> tuple[Any, ...]:
    (given, _full, middle, family, family_tokens, other, given_dm, family_dm, groups) = _names(
        given_name, middle_names, family_name, other_names
    )
    middle_tokens = (middle or "").split()
    family_names = {family} if family else set()
    family_names.update(family_tokens)
    family_names.update(other)
    return (
        given,
        given in _known_names() if given else None,
        short_form_stem(given) or None,
        middle_tokens[0] if middle_tokens else None,
        groups,
        given_dm,
        family,
        tuple(sorted(family_names)),
        family_dm,
    )


def model_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The columns the linkage model compares, straight from the cached parts: what `standardise` gives,
    reduced as `linkage.model_row` needs it (first middle name only; family name, its tokens and other
    surnames as one sorted list), without building the full standardised row first. A million records pass
    through here on a full run, so it is a handful of cached look-ups and one dict."""
    get = record.get
    (given, known, stem, middle, groups, given_dm, family, family_names, family_dm) = _model_names(
        get("given_name"), get("middle_names"), get("family_name"), get("other_names")
    )
    postcode, out, sector, house_number, _flat, street, key, _uprn = _address(
        get("address_line_1"), get("address_line_2"), get("address_line_3"), get("postcode"), get("uprn")
    )
    dob, year = _date_of_birth(get("date_of_birth"), get("date_of_birth_raw"))
    return {
        "given_name": given,
        "given_name_known": known,
        "given_name_stem": stem,
        "middle_name": middle,
        "given_name_groups": list(groups) if groups else None,
        "given_name_dm": given_dm,
        "family_name": family,
        "family_names": list(family_names) if family_names else None,
        "family_name_dm": family_dm,
        "dob": dob,
        "birth_year": year,
        "sex": _sex(get("sex")),
        "nhs_number": _nhs_number(get("nhs_number")) if get("nhs_number_valid") else None,
        "postcode": postcode,
        "postcode_sector": sector,
        "outcode": out,
        "house_number": house_number,
        "street": street,
        "address_key": key,
    }


def standardise_all(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """`standardise` over many records, with the cyclic garbage collector paused meanwhile (see paused_gc)."""
    with paused_gc():
        return [standardise(record) for record in records]
