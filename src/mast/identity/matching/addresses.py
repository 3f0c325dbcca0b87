"""Standardising addresses: flat, number or house name and street parsed from the lines as partners write
them, UPRNs, and the key that says two records are at one address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mast.identity.matching import CACHE_SIZE
from mast.identity.matching.names import _APOSTROPHES_AND_STOPS, _fold
from mast.identity.matching.postcodes import normalise_postcode


@dataclass(frozen=True)
class ParsedAddress:
    """The parts of an address the model compares. All lower case, no punctuation; "" when absent.

    ``building`` is a house or block name ('rose cottage'); it stands in for the number in `address_key` when
    there is no number.
    """

    flat: str
    house_number: str
    street: str
    building: str = ""


# Abbreviation → long form; applied to the last word of the street (or the one before a direction word), so
# the 'St' of 'St John's Road' stays 'st' while 'Mill St' becomes 'mill street'.
_STREET_ABBREVIATIONS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane",
    "cl": "close", "dr": "drive", "drv": "drive", "cres": "crescent", "cresc": "crescent", "gdns": "gardens",
    "gdn": "gardens", "ct": "court", "crt": "court", "pl": "place", "terr": "terrace", "ter": "terrace",
    "tce": "terrace", "gr": "grove", "gro": "grove", "grv": "grove", "sq": "square", "pde": "parade",
    "wy": "way", "wk": "walk", "mws": "mews", "pk": "park", "hl": "hill", "hts": "heights",
}  # fmt: skip
_SAINT_OR_DOCTOR = frozenset(("st", "dr"))
_DIRECTIONS = frozenset(("north", "south", "east", "west", "upper", "lower", "n", "s", "e", "w"))
_STREET_TYPES = frozenset(_STREET_ABBREVIATIONS.values()) | frozenset((
    "way", "walk", "row", "hill", "green", "mews", "park", "rise", "view", "vale", "wharf", "yard", "gate",
    "mount", "meadow", "meadows", "croft", "fold", "broadway", "boulevard", "causeway", "circus",
    "embankment", "esplanade", "quay", "promenade", "approach", "passage", "path", "chase", "end", "side",
    "brow", "wynd", "loke", "drove", "lea", "garth", "bank",
))  # fmt: skip
# Street types that often end a building's name too ('Mill Court'): a later proper street wins over them.
_WEAK_STREET_TYPES = frozenset(
    ("court", "park", "green", "hill", "view", "gate", "mount", "end", "side", "bank", "heights")
)

_ADDRESS_PUNCTUATION = re.compile(r"[^\w,/\- ]+")
_FLAT = re.compile(
    r"^(?:flat|flt|apartment|apt|unit|room|maisonette|studio)\s+(\d+[a-z]?|[a-z]\d*)\b\s*(.*)$"
    r"|^(basement|ground floor|first floor|second floor|third floor|top floor|1st floor|2nd floor|3rd floor)"
    r"(?:\s+(?:flat|maisonette|apartment))?\b\s*(.*)$"
)
_TRAILING_FLAT = re.compile(r"^(.+?)\s+(?:flat|flt|apartment|apt|unit)\s+(\d+[a-z]?|[a-z]\d*)$")
_SLASH = re.compile(r"^(\w+)\s*/\s*(\d+[a-z]?)\s+(.+)$")
_NUMBER_FIRST = re.compile(r"^(\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?)(?:\s+([a-z]))?\s+(.+)$")
_NUMBER_ONLY = re.compile(r"^(\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?)(?:\s+([a-z]))?$")


def _address_segments(lines: tuple[str, ...]) -> list[str]:
    joined = ",".join(line for line in lines if line)
    cleaned = _ADDRESS_PUNCTUATION.sub(" ", _APOSTROPHES_AND_STOPS.sub("", _fold(joined)))
    return [" ".join(part.split()) for part in cleaned.split(",") if part.strip()]


def _number(text: str, letter: str | None) -> str:
    return re.sub(r"\s+", "", text) + (letter or "")


def _words(text: str) -> str:
    """Hyphens and underscores to spaces (kept until now for '12-14' and '3/12')."""
    return " ".join(re.sub(r"[-_/]", " ", text).split())


def _is_street_type(tokens: list[str], at: int) -> bool:
    word, after = tokens[at], tokens[at + 1 :]
    if word in _STREET_TYPES:
        return True
    # 'St' and 'Dr' are 'Saint' and 'Doctor' when a name follows ('St Albans'), not 'Street' and 'Drive'.
    return word in _STREET_ABBREVIATIONS and (
        word not in _SAINT_OR_DOCTOR or not after or (len(after) == 1 and after[0] in _DIRECTIONS)
    )


@lru_cache(maxsize=CACHE_SIZE)
def _street(text: str) -> str:
    # Cached: a street's name repeats for every house in it, however the rest of the address is written.
    tokens = _words(text).split()
    if not tokens:
        return ""
    # A town on the same line ('12 Mill Road Northtown'): keep up to the last street-type word (and a
    # direction after it), as if the town had had a line of its own.
    for at in range(len(tokens) - 1, 0, -1):
        if _is_street_type(tokens, at):
            end = at + 2 if at + 1 < len(tokens) and tokens[at + 1] in _DIRECTIONS else at + 1
            tokens = tokens[:end]
            break
    last = len(tokens) - 1
    if last > 0 and tokens[last] in _DIRECTIONS and tokens[last - 1] in _STREET_ABBREVIATIONS:
        last -= 1
    tokens[last] = _STREET_ABBREVIATIONS.get(tokens[last], tokens[last])
    return " ".join("st" if word == "saint" and i < last else word for i, word in enumerate(tokens))


def _street_type(segment: str) -> str | None:
    street = _street(segment)
    last = street.rsplit(" ", 1)[-1] if street else ""
    return last if last in _STREET_TYPES and " " in street else None


@lru_cache(maxsize=CACHE_SIZE)
def _parse_address(lines: tuple[str, ...]) -> ParsedAddress:
    flat = ""
    rest: list[str] = []
    for segment in _address_segments(lines):
        if not flat and (match := _FLAT.match(segment)):
            flat = match.group(1) or match.group(3)
            segment = match.group(2) if match.group(1) else match.group(4)
            if not segment:
                continue
        elif not flat and (match := _TRAILING_FLAT.match(segment)):  # '12 Mill Road Flat 3'
            segment, flat = match.group(1), match.group(2)
        rest.append(segment)

    for i, segment in enumerate(rest):
        building = _words(rest[0]) if i > 0 else ""
        if match := _SLASH.match(segment):
            return ParsedAddress(flat or match.group(1), match.group(2), _street(match.group(3)), building)
        if match := _NUMBER_FIRST.match(segment):
            return ParsedAddress(
                flat, _number(match.group(1), match.group(2)), _street(match.group(3)), building
            )
        if (match := _NUMBER_ONLY.match(segment)) and i + 1 < len(rest):
            return ParsedAddress(
                flat, _number(match.group(1), match.group(2)), _street(rest[i + 1]), building
            )

    # No house number: the street is the segment that ends like one ('Rose Cottage, Mill Lane'); a 'Court' or
    # 'Park' gives way to a later proper street ('Rose Court, Mill Lane').
    typed = [(i, kind) for i, segment in enumerate(rest) if (kind := _street_type(segment))]
    strong = [i for i, kind in typed if kind not in _WEAK_STREET_TYPES]
    if not rest:
        return ParsedAddress(flat, "", "", "")
    if typed:
        at = strong[0] if strong else typed[0][0]
    elif len(rest) > 1:
        at = 1
    else:  # a house name alone ('Rose Cottage')
        return ParsedAddress(flat, "", "", _words(rest[0]))
    building = _words(rest[0]) if at > 0 else ""
    return ParsedAddress(flat, "", _street(rest[at]), building)


def parse_address(line_1: str | None, line_2: str | None = "", line_3: str | None = "") -> ParsedAddress:
    """Flat, house number and street from address lines however the partner split them.

    'Flat 3' + '12 Mill Road', 'Flat 3, 12 Mill Road' and '3/12 Mill Rd' all give flat '3', number '12',
    street 'mill road'. '12a Mill Road' gives number '12a'. 'Rose Cottage, Mill Lane' gives no number, street
    'mill lane' and building 'rose cottage'. Street abbreviations become long forms (Rd → road, Ave → avenue,
    St → street only as the last word). Town lines after the street are ignored.
    """
    return _parse_address((line_1 or "", line_2 or "", line_3 or ""))


def normalise_uprn(uprn: Any) -> str:
    """Digits only, without zero padding; "" when there is none."""
    if uprn is None or uprn == "":
        return ""
    if isinstance(uprn, float) and uprn.is_integer():  # a spreadsheet's number
        uprn = int(uprn)
    text = re.sub(r"\.0+$", "", str(uprn).strip())
    return re.sub(r"\D", "", text).lstrip("0")


@lru_cache(maxsize=CACHE_SIZE)
def address_key(
    line_1: str | None = "",
    line_2: str | None = "",
    line_3: str | None = "",
    postcode: str | None = "",
    uprn: Any = "",
) -> str:
    """One key per dwelling: 'uprn:<digits>' given a UPRN, else 'addr:<postcode>|<number>|<flat>|<street>'.

    The number slot holds the house name when there is no number ('Rose Cottage'). "" when there is no UPRN
    and not both a postcode and a house number or name: '12 High Street' without a postcode is many dwellings
    in a region, and a postcode or a street alone is many dwellings too; a key for those would make strangers
    one household.
    """
    digits = normalise_uprn(uprn)
    if digits:
        return f"uprn:{digits}"
    code = normalise_postcode(postcode)
    parsed = parse_address(line_1, line_2, line_3)
    dwelling = parsed.house_number or parsed.building
    if not code or not dwelling:
        return ""
    return f"addr:{code}|{dwelling}|{parsed.flat}|{parsed.street}"
