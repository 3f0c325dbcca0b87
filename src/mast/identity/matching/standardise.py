"""Standardise headline records into the columns the record-linkage model compares.

Pure Python: no Django, no database. The linkage model (Splink on DuckDB) calls `standardise()` once per
record, so everything that depends on one field value alone is cached per distinct value
(`functools.lru_cache`): names, streets and postcodes repeat a great deal across a million records.

Third-party pieces:

- ``nicknames`` (``NickNamer``): a hand-curated English nickname list. It is noisy in two ways that matter
  here, and both are corrected (see `_build_canonicals`): it lists diminutives "both ways" (``bill`` has the
  nickname ``robert``), which would make William and Robert equivalent through Bill; and it links some names
  of different sexes (Louis/Louise, William/Wilma, George/Georgine, Emil/Emily, Andrew/Andrea, ...), which
  would make twins look like one person. UK variants it lacks live in ``data/name_variants.csv``
  (canonical,variant).
- ``doublemetaphone`` (the C++ Double Metaphone behind a CPython extension; a wheel for Python 3.11) rather
  than the pure-Python ``metaphone`` package: the same codes, several times faster. Before encoding, "mps"
  becomes "ms" (Thompson/Thomson, Sampson/Samson, Simpson/Simson), which Double Metaphone keeps apart.

Empty values come back as None from `standardise()`: Splink treats None as null ("not known"), never as a
disagreement. The same goes for empty lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from doublemetaphone import doublemetaphone as _doublemetaphone
from nicknames import NickNamer

from mast.identity.matching.paused_gc import paused_gc

_CACHE_SIZE = 1 << 20

# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

# Letters that NFKD does not decompose into an ASCII base letter plus a combining mark.
_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "\u0131": "i"}
)  # fmt: skip
# Full stop, ASCII apostrophe, backtick, and the typographic ones: right and left single quotation marks,
# acute accent, modifier letter apostrophe and turned comma, prime.
_APOSTROPHES_AND_STOPS = re.compile("[.'`\u2019\u2018\u00b4\u02bc\u02bb\u2032]")
_NOT_WORD = re.compile(r"[\W_]+")
_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "mx", "dr", "master", "rev", "revd", "reverend", "sir", "dame", "prof",
    "professor", "doctor",
))  # fmt: skip


_SUFFIXES = frozenset(("jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"))
# Digits in a name are a scanner's or a keyboard's misreading of the letters they look like.
_NAME_DIGITS = str.maketrans({"0": "o", "1": "l", "5": "s"})


def _fold(text: str) -> str:
    """Accents off (NFKD, combining marks dropped), casefolded."""
    if text.isascii():  # nearly every name and address: nothing to decompose or translate
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=_CACHE_SIZE)
def normalise_name(text: str | None) -> str:
    """'Mrs Siân O'Brien-Smith' → 'sian obrien smith'. "" for empty or None.

    Accents stripped, casefolded, leading titles and trailing suffixes ('Jr', 'III') dropped, apostrophes and
    full stops removed without a space, hyphens and all other punctuation turned into a single space, digits
    read as the letters they are mistaken for ('J0hn' → 'john').
    """
    if not text:
        return ""
    folded = _fold(str(text))
    if any(ch.isdigit() for ch in folded):
        folded = folded.translate(_NAME_DIGITS)
    tokens = _NOT_WORD.sub(" ", _APOSTROPHES_AND_STOPS.sub("", folded)).split()
    start, end = 0, len(tokens)
    while start < end and tokens[start] in _TITLES:
        start += 1
    while end - start > 1 and tokens[end - 1] in _SUFFIXES:
        end -= 1
    return " ".join(tokens[start:end])


def name_tokens(text: str | None) -> list[str]:
    """The tokens of `normalise_name`: 'Smith-Jones' → ['smith', 'jones']."""
    return normalise_name(text).split()


# Pairs the nicknames package links but which are different people's names: a name of the other sex (twins
# are named like this), or two distinct full names that siblings are given. Tested; extend with care.
_DIFFERENT_SEXES = (
    "aaron/erin", "aron/erin", "alexander/alexandria", "andrew/andrea", "anselm/selma", "clare/clarence",
    "clement/clementine", "cole/nicholette", "cole/nicole", "earnest/ernestine", "edwin/edwina", "emil/emily",
    "ernest/ernestine", "evan/evangeline", "felix/felicia", "frederick/frederica", "george/georgine",
    "jack/jacqueline", "jude/judith", "june/junius", "justin/justina", "lawrence/laurinda", "louis/louise",
    "lucius/lucia", "lyndon/lynn", "paul/polly", "ron/veronica", "ronnie/veronica", "ronny/veronica",
    "sally/salvador", "vernon/laverne", "william/wilma", "william/bell", "william/bela",
)  # fmt: skip
_DIFFERENT_NAMES = (
    "amelia/emily", "anna/hannah", "caroline/chick", "cecilia/sheila", "charlotte/chick", "derrick/eric",
    "eleanor/helena", "gretchen/margaret", "hannah/joanna", "hannah/johannah", "hannah/susan",
    "hannah/susannah", "ian/john", "ivan/john", "jane/virginia", "johnathan/nathan", "jonathan/nathan",
    "patrick/peter",
)  # fmt: skip
_NOT_EQUIVALENT = frozenset(frozenset(pair.split("/")) for pair in _DIFFERENT_SEXES + _DIFFERENT_NAMES)


def _local_variants() -> list[tuple[str, str]]:
    text = files("mast.identity").joinpath("data", "name_variants.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        canonical, variant = normalise_name(row["canonical"]), normalise_name(row["variant"])
        if canonical and variant and canonical != variant:
            rows.append((canonical, variant))
    return rows


@cache
def _build_canonicals() -> dict[str, frozenset[str]]:
    """name → the canonical names it may stand for (itself not included).

    From the nicknames package, less two kinds of edge: the back-edge from a full name to its own diminutive
    (the package has both ``robert → bill`` and ``bill → robert``; keeping the second as "Robert may stand for
    Bill" would join Robert and William through Bill), i.e. of a mutual pair the shorter name is dropped as a
    canonical of the longer; and the pairs in `_NOT_EQUIVALENT`. Then the local UK variants are added.
    """
    package = NickNamer().canonical_lookup
    package = {
        normalise_name(name): {normalise_name(c) for c in canonicals} for name, canonicals in package.items()
    }
    canonicals: dict[str, set[str]] = {}
    for name, cands in package.items():
        kept = {
            c for c in cands if c and c != name and not (name in package.get(c, ()) and len(c) < len(name))
        }
        if kept:
            canonicals[name] = kept
    for canonical, variant in _local_variants():
        canonicals.setdefault(variant, set()).add(canonical)
    return {
        name: frozenset(c for c in cands if frozenset((name, c)) not in _NOT_EQUIVALENT)
        for name, cands in canonicals.items()
    }


@lru_cache(maxsize=_CACHE_SIZE)
def given_name_groups(name: str | None) -> tuple[str, ...]:
    """Sorted canonical given names that this (first) given name may stand for, the name itself included.

    'Katie' → ('catherine', 'katherine', 'katia', 'katie', 'kathryn'). Two names are nickname-equivalent
    exactly when their groups intersect (`names_equivalent`). Only the first token counts ('Mary Jane' →
    groups of 'mary'), as in `standardise`'s ``given_name``. () for an empty name.
    """
    tokens = normalise_name(name).split()
    if not tokens:
        return ()
    first = tokens[0]
    canonicals = _build_canonicals()
    groups = {first} | canonicals.get(first, frozenset())
    if first not in _known_names() and len(first) >= 4:
        # A name found in no list is most likely a slip of the keyboard for one that is ("Vixtoria"): when
        # exactly one known name is a single edit away — or several, all spellings of one name ("Kathrine":
        # Katharine, Katherine) — the name also stands for that name's groups.
        known = _known_names()
        near = [word for word in _one_edit(first) if word in known]
        near_groups = [{word} | canonicals.get(word, frozenset()) for word in near]
        if near_groups and set.intersection(*near_groups):
            groups |= set.union(*near_groups)
    return tuple(sorted(groups))


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    canonicals = _build_canonicals()
    # Names held apart are real names too (Georgine, Edwina): never "correct" one into the other.
    held_apart = {name for pair in _NOT_EQUIVALENT for name in pair}
    return frozenset(canonicals) | {name for names in canonicals.values() for name in names} | held_apart


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away (Norvig's spelling edits)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def names_equivalent(a: str | None, b: str | None) -> bool:
    """True when the two given names may be the same name (same, nickname or variant): groups intersect."""
    return not set(given_name_groups(a)).isdisjoint(given_name_groups(b))


# English pet forms are mostly the start of the name, often with -ie or -y after a doubled consonant:
# Fred and Freddie for Frederick, Alfie, Archie, Rosie, Josie, Timmy, Kenny, Reggie.
_DIMINUTIVE = re.compile(r"(?:ie|ey|y)$")


@lru_cache(maxsize=_CACHE_SIZE)
def short_form_stem(name: str | None) -> str:
    """What a pet form keeps of the full name: 'freddie' → 'fred', 'timmy' → 'tim', 'theo' → 'theo'. Only
    for names of up to seven letters (pet forms are short); "" otherwise. Compared as a prefix of the other
    record's given name by the model's short-form level."""
    if not name or len(name) > 7:
        return ""
    stem = _DIMINUTIVE.sub("", name)
    if len(stem) >= 3 and stem[-1] == stem[-2]:
        stem = stem[:-1]
    return stem if len(stem) >= 2 else name


_SILENT_P = re.compile(r"mps")


@lru_cache(maxsize=_CACHE_SIZE)
def double_metaphone(name: str | None) -> tuple[str, str]:
    """(primary, alternate) Double Metaphone codes of the normalised name without spaces; "" when none."""
    squashed = normalise_name(name).replace(" ", "")
    if not squashed:
        return ("", "")
    primary, alternate = _doublemetaphone(_SILENT_P.sub("ms", squashed))
    return (primary or "", alternate or "")


# --------------------------------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------------------------------

_MIN_YEAR, _MAX_YEAR = 1880, 2100
_DIGIT_RUNS = re.compile(r"\d+")


def _plausible(year: int) -> bool:
    return _MIN_YEAR <= year <= _MAX_YEAR


@lru_cache(maxsize=_CACHE_SIZE)
def birth_year(raw: str | None) -> int | None:
    """The year in a raw or partial date of birth as partners send it, if one is clear.

    '1985', '03/1985', '1985-03', 'Mar-1985', '198503', '03/04/1985', '1985-04-03', '03-Apr-1985' and
    '19850403' all give 1985. Only a four-digit year from 1880 to 2100 counts (never a guess from
    '03/04/85'); else None.
    """
    if not raw:
        return None
    for run in _DIGIT_RUNS.findall(str(raw)):
        if len(run) == 4:
            candidates = [(run, "01", "01")]
        elif len(run) == 6:  # YYYYMM or MMYYYY
            candidates = [(run[:4], run[4:], "01"), (run[2:], run[:2], "01")]
        elif len(run) == 8:  # YYYYMMDD or DDMMYYYY; at most one reading has a real month and day
            candidates = [(run[:4], run[4:6], run[6:]), (run[4:], run[2:4], run[:2])]
        else:
            continue
        for year, month, day in candidates:
            if _plausible(int(year)) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
                return int(year)
    return None


# --------------------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------------------


_OUTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_POSTCODE = re.compile(rf"({_OUTCODE.pattern})([0-9][A-Z]{{2}})")


@lru_cache(maxsize=_CACHE_SIZE)
def normalise_postcode(postcode: str | None) -> str:
    """'ns93aj' → 'NS9 3AJ'; an outcode alone ('ns9') stays an outcode; "" for empty or not a postcode."""
    if not postcode:
        return ""
    squashed = re.sub(r"[^0-9A-Za-z]", "", str(postcode)).upper()
    if match := _POSTCODE.fullmatch(squashed):
        return f"{match.group(1)} {match.group(2)}"
    return squashed if _OUTCODE.fullmatch(squashed) else ""


def outcode(postcode: str | None) -> str:
    """'NS9 3AJ' → 'NS9' (missing space and lower case tolerated); "" for empty."""
    return normalise_postcode(postcode).partition(" ")[0]


def postcode_sector(postcode: str | None) -> str:
    """'NS9 3AJ' → 'NS9 3'; "" when there is no inward code."""
    out, _, inward = normalise_postcode(postcode).partition(" ")
    return f"{out} {inward[0]}" if inward else ""


# --------------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------------


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


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
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


# --------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------

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


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
def _sex(value: Any) -> str | None:
    return _SEXES.get(_text(value).strip().casefold())


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
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
