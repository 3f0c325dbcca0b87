"""The first step of a practitioner's search (`search`): the partner records worth scoring, found by exact
index look-ups only, so a search costs the same at a million records as at a thousand.

The query side does the fuzzy work. It looks up every name the given name may stand for (nicknames and
variants, from the standardiser's groups), every spelling one keying slip away from each name and from the
postcode, the names the other way round, and the date of birth both ways round; the records need no more keys
than `search_index` writes.

What it cannot bring it says: `Found.capped` is set when a look-up met its limit, so the search can tell the
practitioner their query is too broad instead of cutting it silently.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.db import connection

from mast.feeds.models import Involvement, PartnerRecord, Source
from mast.identity.matching import CACHE_SIZE
from mast.identity.matching.names import (
    double_metaphone,
    given_name_groups,
    known_given_names,
    names_equivalent,
    normalise_name,
)
from mast.identity.models import SearchKey
from mast.identity.search.index import CHUNK, NAME, YEAR, search_key
from mast.identity.search.slips import (
    dates_one_slip_away,
    one_slip_away,
    postcodes_one_slip_away,
    typed_digits,
)

# Records one look-up may bring at most. A query as broad as "Smith" in a city brings more: the search then
# says it is too broad rather than ranking an arbitrary part of it.
MAX_FOUND = 3000
# Records the look-ups may bring, and the search weigh, only to count how many people a too-broad query
# matches (`search.find_people`): beyond this the page says "more than" instead of a number.
MAX_COUNTED = 5000


@cache
def _names_by_group() -> dict[str, frozenset[str]]:
    """Group name → every known given name whose groups include it: the reverse of `given_name_groups`, over
    every name the standardiser's lists hold (its own and the nicknames package's, and their pet forms'
    other spellings)."""
    names_by_group: dict[str, set[str]] = defaultdict(set)
    for raw in known_given_names():
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


@dataclass
class Found:
    """Candidate records, each with how strongly the look-ups that found it point at it."""

    strength: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    by_reference: set[int] = field(default_factory=set)
    by_nhs_number: set[int] = field(default_factory=set)
    # A look-up met its limit: there are records like these that were not brought.
    capped: bool = False
    # Records one look-up may bring: MAX_FOUND to rank, MAX_COUNTED to count.
    limit: int = MAX_FOUND

    def add(self, ids: Iterable[int], strength: int) -> None:
        ids = list(ids)
        if len(ids) >= self.limit:
            self.capped = True
        for pk in set(ids):
            self.strength[pk] += strength

    def ranked(self) -> list[int]:
        """Every record found: by exact identifiers, then by most look-ups at once."""
        return sorted(self.strength, key=lambda pk: (-self.strength[pk], pk))


# How much a look-up finding a record says about it, to choose which candidates to score first. A record
# found by the name and the date of birth at once comes before one found by either; a slip counts less.
EXACT_ID, NAME_KEY, DATE, POSTCODE, YEAR_KEY, SLIP = 100, 4, 4, 3, 2, 1


def _records_by_keys(keys: Iterable[str], limit: int) -> list[int]:
    keys = sorted(set(keys))
    table = connection.ops.quote_name(SearchKey._meta.db_table)
    found: list[int] = []
    # Plain SQL: the ORM's preparation of hundreds of parameters costs more than the look-up.
    with connection.cursor() as cursor:
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT partner_record_id FROM {table} WHERE key IN ({placeholders}) LIMIT {int(limit)}",  # noqa: S608
                chunk,
            )
            found += [row[0] for row in cursor.fetchall()]
    return found


def _current_by(column: str, values: Iterable[str], limit: int) -> list[int]:
    """Current records whose `column` is one of `values`, at most `limit`."""
    values = sorted(set(values))
    current = PartnerRecord.objects.filter(removed_at__isnull=True)
    found: list[int] = []
    for start in range(0, len(values), CHUNK):
        if len(found) >= limit:
            break
        chunk = values[start : start + CHUNK]
        found += current.filter(**{f"{column}__in": chunk}).values_list("pk", flat=True)[:limit]
    return found[:limit]


def _as_written(names: Iterable[str]) -> set[str]:
    """Standardised names as partners write them: 'smith' → 'smith', 'SMITH', 'Smith'."""
    return {form for n in names for form in (n, n.upper(), n.title())}


def _years() -> range:
    return range(1880, dt.date.today().year + 1)


def candidates(query, row: dict, swapped_row: dict | None = None, *, limit: int | None = None) -> Found:
    """Records worth scoring against the query, `row` being the query standardised as a record is and
    `swapped_row` the same with the given and family names the other way round (None when that makes no
    difference); each look-up brings at most `limit` (MAX_FOUND unless said)."""
    limit = limit or MAX_FOUND
    found = Found(limit=limit)
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

    birth = query.birth_date
    if birth.date:
        dates = [d for d in (birth.date, birth.swapped) if d]
        born = current.filter(date_of_birth__in=dates)
        by_date = list(born.values_list("pk", flat=True)[:limit])
        if len(by_date) >= limit and (row["family_name"] or row["given_name"]):
            # A date some partner uses for "not known" (thousands of records at a million): those with a name
            # that fits, rather than "too broad" for a name and a date of birth.
            by_date = _named(born, row, limit)
        found.add(by_date, DATE)
        if row["given_name"]:
            found.add(_by_given_name_near_date(query, row, set(dates), limit), SLIP)
    postcode = query.normalised_postcode
    placed = " " in postcode
    if placed:
        here = list(current.filter(postcode=postcode).values_list("pk", flat=True)[:limit])
        found.add(here, POSTCODE)
        if row["family_name"] or row["given_name"] or not here:
            # A slip in the postcode: the people at the real postcodes one keyed character away, those whose
            # names fit when a name was typed; all of them for a postcode alone that no one lives at.
            found.add(_near_postcode(postcode, row, limit), SLIP)
    _by_names(found, row, birth, limit, placed=placed)
    if swapped_row is not None:
        # Names typed the other way round are the slip: looked up as they are, not one more slip away.
        _by_names(found, swapped_row, birth, limit, placed=placed, slips=False)
    return found


# Records at the postcodes one slip from a postcode, read to choose among: some forty real postcodes of
# thirty people each (a thousand or two records), rarely more.
MAX_NEAR = 20000


def _near_postcode(postcode: str, row: dict, limit: int) -> list[int]:
    """Current records at the real postcodes one keying slip from `postcode`; with a name typed, only those
    whose family name sounds the same or is one slip from it, or whose given name may be the same name.

    Checked here rather than scored: a family name and a postcode one slip out fit some five people among
    the thousand or so at the neighbouring postcodes, and scoring them all would cost more than the search.
    """
    current = PartnerRecord.objects.filter(removed_at__isnull=True)
    neighbours = sorted(postcodes_one_slip_away(postcode))
    found: list[int] = []
    for start in range(0, len(neighbours), CHUNK):
        found += _named(current.filter(postcode__in=neighbours[start : start + CHUNK]), row, limit)
    return found[:limit]


def _named(records, row: dict, limit: int) -> list[int]:
    """Of these records (at most MAX_NEAR read), those whose family name sounds like the one typed or is one
    slip from it, or whose given name may be the one typed; all of them when no name was typed."""
    family = row["family_name"] or ""
    sounds = {row["family_name_dm"]} - {None, ""}
    families = {family, *one_slip_away(family.replace(" ", ""))} if family else set()
    givens = equivalent_given_names(row["given_name"] or "")
    found = [
        pk
        for pk, recorded_family, recorded_given in records.values_list("pk", "family_name", "given_name")[
            :MAX_NEAR
        ]
        if _fits(family, families, sounds, givens, recorded_family, recorded_given)
    ]
    return found[:limit]


def _fits(family, families, sounds, givens, recorded_family, recorded_given) -> bool:
    if not family and not givens:
        return True  # a postcode alone: everyone there
    # Each word of the recorded family name, as the model reads them: a partner may have put the whole
    # name in it ("Sarah Kirby") or a double-barrelled one.
    if family and any(word in families or _sound(word) in sounds for word in _words(recorded_family)):
        return True
    return bool(givens) and _standard(recorded_given).split(" ", 1)[0] in givens


@lru_cache(maxsize=CACHE_SIZE)
def _standard(name: str | None) -> str:
    return normalise_name(name or "")


@lru_cache(maxsize=CACHE_SIZE)
def _words(name: str | None) -> tuple[str, ...]:
    standard = _standard(name)
    return (standard, *standard.split()) if " " in standard else (standard,)


@lru_cache(maxsize=CACHE_SIZE)
def _sound(name: str | None) -> str:
    standard = _standard(name)
    return double_metaphone(standard)[0] if standard else ""


def _by_given_name_near_date(query, row: dict, exact: set[dt.date], limit: int) -> list[int]:
    """Records born on a date one slip from the one typed, with a given name the one typed may stand for.

    The name keys need the family name to sound the same, and the record's given name as the partner wrote
    it; this finds the woman recorded under a married or former name whose date of birth the practitioner
    keyed one digit out, and the record whose given name the partner mistyped ('Jmaie' for Jamie, so James)
    where the practitioner mistyped the date. Some fifty dates, a few dozen records each at a million: the
    given name is checked here, by the standardiser's name groups (a name no list holds, one slip from one
    that a list does, stands for that name), rather than in SQL, where partners' spellings ('RENÉE',
    'Renee') would each need a form of their own."""
    given = row["given_name"]
    dates = sorted(dates_one_slip_away(typed_digits(query.date_of_birth)) - exact)
    if not given or not dates:
        return []
    family = row["family_name"] or ""
    families = {family, *one_slip_away(family.replace(" ", ""))} if family else set()
    sounds = {row["family_name_dm"]} - {None, ""}
    current = PartnerRecord.objects.filter(removed_at__isnull=True)
    found: list[int] = []
    for start in range(0, len(dates), CHUNK):
        chunk = current.filter(date_of_birth__in=dates[start : start + CHUNK])
        for pk, recorded, recorded_family in chunk.values_list("pk", "given_name", "family_name")[
            : limit * 10
        ]:
            # Or the family name fits: the record whose given name is two slips out ('Mohaed') shares
            # nothing else a key is made of (`_by_names` leaves the year's keys out beside a full date).
            if names_equivalent(given, recorded) or (
                family and any(w in families or _sound(w) in sounds for w in _words(recorded_family))
            ):
                found.append(pk)
    return found[:limit]


def _by_names(
    found: Found, row: dict, birth, limit: int, *, placed: bool = False, slips: bool = True
) -> None:
    """Look-ups by the names: the family name's sound with any name the given name may stand for; the year of
    birth when no fuller date narrows it; the family name alone when nothing else is given (`placed`: a full
    postcode was, and the people at and near it are looked up by it); and, unless `slips` is False, every
    spelling one keying slip from either name."""
    given = row["given_name"] or ""
    family = row["family_name"] or ""
    sounds = {row["family_name_dm"], *(double_metaphone(n)[0] for n in row["family_names"] or ())} - {
        None,
        "",
    }
    if not sounds:
        return
    names = equivalent_given_names(given)
    if names:
        found.add(_records_by_keys((search_key(NAME, s, n) for s in sounds for n in names), limit), NAME_KEY)
    if birth.year and not (birth.date and given):
        # Beside a given name and a full date, the year's keys would bring every namesake born that year (a
        # few hundred records for a common family name, each read and scored) for the one whose given name is
        # two slips out and whose date is one slip out: the look-up by the dates one slip away finds it by
        # its family name instead (`_by_given_name_near_date`), and the exact date's look-up finds the rest.
        found.add(_records_by_keys((search_key(YEAR, s, birth.year) for s in sounds), limit), YEAR_KEY)
    elif not names and not birth.date and not placed:
        # A family name alone: everyone whose family name sounds the same, whatever their year of birth
        # (every year's key), and those with no date of birth by the spelling itself.
        found.add(
            _records_by_keys((search_key(YEAR, s, y) for s in sounds for y in _years()), limit), NAME_KEY
        )
        found.add(_current_by("family_name", _as_written([*family.split(), family]), limit), NAME_KEY)
    if not slips:
        return
    # One keying slip on either name: the spellings are generated here, so the records need no more keys.
    slipped = one_slip_away(family.replace(" ", ""))
    slips = {double_metaphone(v)[0] for v in slipped} - sounds - {""}
    typo_keys = [search_key(NAME, s, n) for s in sounds for n in one_slip_away(given) - names]
    typo_keys += [search_key(NAME, s, n) for s in slips for n in names]
    if birth.year and not birth.date:
        typo_keys += [search_key(YEAR, s, birth.year) for s in slips]
    found.add(_records_by_keys(typo_keys, limit), SLIP)
    if not names and not birth.year and not placed:
        # A misspelt family name alone ("Smtih"): the records spelt as it would be without the slip. Their
        # sounds' keys would bring every Smith, Smit and Smyth in the region.
        found.add(_current_by("family_name", _as_written(slipped), limit), SLIP)
