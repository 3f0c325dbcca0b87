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
2. **Scores from the trained model** (`search_scoring`). The query is standardised as a record is
   (`linkage.model_row`) and compared with each candidate using the saved Splink model's own comparison
   levels; the levels that counted become the reasons shown.

The linkage vetoes do not apply: a search is not a link. A different given name just scores low.

The keys, and the standardised addresses (`Address`, `InvolvementAddress`) that address search reads, are
written by `search_index`, which identity resolution calls whenever it matches records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from difflib import SequenceMatcher
from functools import cache

from django.db import connection
from django.db.models import Count

from mast.feeds.models import Involvement, PartnerRecord, Source
from mast.feeds.validation import normalise_nhs_number
from mast.identity import linkage
from mast.identity.models import Address, InvolvementAddress, Person, SearchKey
from mast.identity.record_store import FIELDS
from mast.identity.search_index import CHUNK, NAME, YEAR, search_key, standardised_row
from mast.identity.search_scoring import scorer
from mast.identity.standardise import (
    birth_year,
    double_metaphone,
    given_name_groups,
    normalise_name,
    normalise_postcode,
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


# -- finding candidates --------------------------------------------------------------------------------------

# Records one look-up may bring, and records scored per search, at most: a query as broad as "Smith, 2025"
# would otherwise bring thousands. Those found by most look-ups at once are scored (see _Found.best).
MAX_FOUND = 2000
MAX_SCORED = 100


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
        found.add(_records_by_keys(search_key(NAME, s, n) for s in sounds for n in names), NAME_KEY)
    if " " in postcode:
        found.add(current.filter(postcode=postcode).values_list("pk", flat=True)[:MAX_FOUND], POSTCODE)
    if birth.year and sounds and (not birth.date or not names):
        found.add(_records_by_keys(search_key(YEAR, s, birth.year) for s in sounds), YEAR_KEY)
    if not sounds:
        return found
    # One keying slip on either name: the spellings are generated here, so the records need no more keys.
    slips = {double_metaphone(v)[0] for v in one_slip_away(family)} - sounds - {""}
    typo_keys = [search_key(NAME, s, n) for s in sounds for n in one_slip_away(given) - names]
    typo_keys += [search_key(NAME, s, n) for s in slips for n in names]
    if birth.year and not birth.date:
        typo_keys += [search_key(YEAR, s, birth.year) for s in slips]
    found.add(_records_by_keys(typo_keys), SLIP)
    if not found.strength and not names and not birth.year:
        # A family name alone: records spelt that way, as partners write it.
        spellings = {query.family_name, query.family_name.upper(), query.family_name.title()}
        found.add(current.filter(family_name__in=spellings).values_list("pk", flat=True)[:MAX_SCORED], SLIP)
    return found


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
            rows.append(standardised_row(values))
    model = scorer()
    exact_nhs = found.by_nhs_number if query.nhs_number_valid else set()
    people: dict[int, list[tuple[tuple, int, float, list[str]]]] = defaultdict(list)
    for unique_id, levels in model.score(query_row, rows).items():
        record = int(unique_id)
        reasons = model.reasons(levels)
        if record in found.by_reference:
            reasons.insert(0, "Partner reference: the reference searched for")
        exact = record in found.by_reference or (record in exact_nhs and model.agrees(levels, "nhs_number"))
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


# -- addresses -----------------------------------------------------------------------------------------------

# Addresses read for one address search at most: an outcode holds a few thousand.
MAX_PLACES = 5000


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
