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

Every person above a threshold relative to the query is returned, or none and "too broad" (`find_people`):
never a silent cut. The look-ups are in `search_candidates`, the query and its reading in `search_query`.

The keys, and the standardised addresses (`Address`, `InvolvementAddress`) that address search reads, are
written by `search_index`, which identity resolution calls whenever it matches records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import connection
from django.db.models import Count

from mast.feeds.models import PartnerRecord
from mast.identity.matching import linkage
from mast.identity.matching.addresses import parse_address
from mast.identity.matching.names import normalise_name
from mast.identity.matching.postcodes import normalise_postcode
from mast.identity.models import Address, InvolvementAddress, Person
from mast.identity.record_store import FIELDS
from mast.identity.search.candidates import MAX_COUNTED, candidates
from mast.identity.search.index import CHUNK, standardised_row
from mast.identity.search.query import MAX_LENGTH, BirthDate, SearchQuery, parse_birth_date
from mast.identity.search.scoring import scorer
from mast.identity.search.slips import dates_one_slip_away, postcodes_one_slip_away, typed_digits

# The query (`SearchQuery`, and reading a date of birth) is in `search_query`; named here for callers.
__all__ = [
    "AddressMatch",
    "BirthDate",
    "PeopleFound",
    "PersonMatch",
    "SearchQuery",
    "find_addresses",
    "find_people",
    "parse_birth_date",
    "search_addresses",
    "search_people",
]

# -- results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonMatch:
    person_id: int
    # The match probability of the person's best record (1.0 for the partner reference asked for).
    score: float
    # The person's partner records that matched, best first.
    record_ids: tuple[int, ...]
    reasons: tuple[str, ...]
    # (comparison, level label, weight in bits) that counted for the best record, strongest first; the
    # searched-for reference and names typed the other way round as ("reference"/"names", words, weight).
    evidence: tuple[tuple[str, str, float], ...] = ()
    # How many fields of the best record agree with the query exactly as typed (`Scorer.as_typed`): between
    # people of the same score, the one with more comes first, and only people equal in both are said to
    # match equally well.
    as_typed: int = 0


@dataclass(frozen=True)
class AddressMatch:
    address_id: int
    label: str
    # Involvements recorded at the address (partners' current records only).
    involvements: int
    # Read with the address, so that a page linking to it need not ask for it again (ADR 0037).
    public_id: str = ""


# -- searching -----------------------------------------------------------------------------------------------

# A person is listed when the evidence for them is at least this share of what a record exactly like the
# query would give: "Smtih" alone lists the Smiths (a typo of the one name given); a given name and date of
# birth with another family name (she may have married) is listed; "Smith" and a postcode does not list
# every Smith elsewhere, nor a name with a different date of birth. Stated on the results page.
THRESHOLD = 0.4
# Said of a woman listed though her records give another family name (`Scorer.another_family_name`).
ANOTHER_FAMILY_NAME = "Recorded under another family name: she may have married"
# People listed at most: beyond this a ranking says little, and the page asks for one more detail instead.
MAX_LISTED = 200
# Records scored per search at most, those found by most look-ups first (`Found.ranked`).
MAX_SCORED = 1000


@dataclass(frozen=True)
class PeopleFound:
    """Everyone above the threshold, best first, or, when the query is too broad to rank usefully, none and
    how many match. `total` is exact unless `exact` is False: then more than `total` match."""

    matches: tuple[PersonMatch, ...]
    total: int
    too_broad: bool = False
    exact: bool = True


def _query_row(query: SearchQuery, *, swap_names: bool = False) -> dict:
    birth = query.birth_date
    given, family = query.given_name, query.family_name
    if swap_names:
        given, family = family, given
    return linkage.model_row(
        {
            "record_id": "query",
            "given_name": given,
            "family_name": family,
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
    """The first `limit` people `find_people` lists (none when the query is too broad)."""
    if limit <= 0:
        return []
    return list(find_people(query).matches[:limit])


def find_people(query: SearchQuery) -> PeopleFound:
    """Active people whose current partner records match the query above the threshold, best first, each with
    its reasons — all of them, or, when there are more than MAX_LISTED or not all could be weighed, none and
    `too_broad` with how many match (exactly, unless even counting them would mean weighing more than
    MAX_COUNTED records). Never a silent cut.

    A record with the partner reference asked for, or with the same valid NHS number, puts its person first.
    """
    if query.is_empty:
        return PeopleFound((), 0)
    query_row = _query_row(query)
    swapped_row = None
    if normalise_name(query.given_name) and normalise_name(query.family_name):
        swapped_row = _query_row(query, swap_names=True)
    found = candidates(query, query_row, swapped_row)
    ranked = found.ranked()
    ids, unscored = ranked[:MAX_SCORED], ranked[MAX_SCORED:]
    if not ids:
        return PeopleFound((), 0)
    matches, weakest = _people(query, query_row, swapped_row, ids, found)
    # Records not weighed that were found as strongly as one that counted might count too: not all weighed.
    unweighed = found.capped or (
        weakest is not None and any(found.strength[pk] >= weakest for pk in unscored)
    )
    if unweighed:
        return _count(query, query_row, swapped_row, at_least=len(matches))
    if len(matches) > MAX_LISTED:
        return PeopleFound((), len(matches), too_broad=True)
    return PeopleFound(tuple(matches), len(matches))


def _count(query: SearchQuery, query_row: dict, swapped_row: dict | None, *, at_least: int) -> PeopleFound:
    """A query too broad to rank, counted: every record its look-ups bring, up to MAX_COUNTED, weighed as a
    listed search's are, so the page can say exactly how many people match. Beyond that, "more than" the
    people the ranking pass found: weighing tens of thousands of records would keep the practitioner waiting
    seconds for a number that only tells them to add a detail."""
    found = candidates(query, query_row, swapped_row, limit=MAX_COUNTED)
    ranked = found.ranked()
    if found.capped or len(ranked) > MAX_COUNTED:
        return PeopleFound((), at_least, too_broad=True, exact=False)
    matches, _weakest = _people(query, query_row, swapped_row, ranked, found)
    if len(matches) <= MAX_LISTED:
        # Every record the look-ups brought was weighed, and few enough people match to list: "too broad" is
        # for queries that match too many, not for ones whose look-ups brought many records to weigh.
        return PeopleFound(tuple(matches), len(matches))
    return PeopleFound((), len(matches), too_broad=True)


_NO_ADDRESS = dict.fromkeys(
    ("address_line_1", "address_line_2", "address_line_3", "town", "postcode", "uprn"), ""
)


def _people(query, query_row: dict, swapped_row: dict | None, ids: list[int], found):
    """(the people these records belong to that are above the threshold, best first; the weakest look-up
    strength among the records that counted)."""
    person_of: dict[int, int] = {}
    rows: list[dict] = []
    # With no postcode or address typed, the address comparison has nothing to compare: the candidates'
    # addresses are left unread rather than parsed, a quarter of a search's time at a million records.
    unplaced = {} if (query.normalised_postcode or query.address) else _NO_ADDRESS
    for start in range(0, len(ids), CHUNK):
        for values in PartnerRecord.objects.filter(
            pk__in=ids[start : start + CHUNK],
            removed_at__isnull=True,
            link__person__status=Person.Status.ACTIVE,
        ).values(*FIELDS, "link__person_id"):
            person_of[values["pk"]] = values["link__person_id"]
            rows.append(standardised_row({**values, **unplaced}))
    weighed = weigh(query, query_row, swapped_row, rows, found)
    people: dict[int, list[tuple]] = defaultdict(list)
    weakest = None
    for record, (exact, probability, reasons, evidence, typed) in weighed.items():
        people[person_of[record]].append(
            ((not exact, -probability, -typed, record), record, probability, reasons, evidence, typed)
        )
        weakest = min(found.strength[record], weakest or found.strength[record])
    matches = []
    for person, records in people.items():
        records.sort()
        rank, _record, probability, reasons, evidence, typed = records[0]
        match = PersonMatch(
            person, probability, tuple(r[1] for r in records), tuple(reasons), tuple(evidence), typed
        )
        matches.append(((rank[0], -probability, -typed, person), match))
    matches.sort(key=lambda m: m[0])
    return [match for _rank, match in matches], weakest


# The query scored as a candidate against itself: no partner record's id (those are numbers).
_ITSELF = "itself"


def weigh(query, query_row: dict, swapped_row: dict | None, rows: list[dict], found) -> dict:
    """Record id → (found by an exact identifier, match probability, reasons, evidence, fields as typed) for
    every record above the threshold. The better of the names as typed and the other way round counts."""
    model = scorer()
    # All at once (Scorer.score_readings): the query against itself, for the bar a record must reach; the
    # records against the names as typed and, when it differs, the other way round.
    readings = {"typed": query_row} if swapped_row is None else {"typed": query_row, "swapped": swapped_row}
    scored = model.score_readings(readings, [*rows, dict(query_row, unique_id=_ITSELF)])
    best = scored["typed"].pop(_ITSELF, [])
    scored.get("swapped", {}).pop(_ITSELF, None)
    wanted = THRESHOLD * model.evidence(best)
    # A woman listed under another family name: her family name counts for nothing, so neither does the
    # query's in the bar she is held to (`Scorer.another_family_name`).
    wanted_married = THRESHOLD * model.without(best, "family_name")
    exact_nhs = found.by_nhs_number if query.nhs_number_valid else set()
    postcode = query.normalised_postcode
    neighbours = postcodes_one_slip_away(postcode) if " " in postcode else set()
    near = {row["unique_id"] for row in rows if row["postcode"] in neighbours}
    # The dates one slip from the one typed, worked out once: testing each candidate's date by generating
    # its own slips cost more than scoring it.
    near_dates = {d.isoformat() for d in dates_one_slip_away(typed_digits(query.date_of_birth))}
    slipped_dates = {row["unique_id"] for row in rows if row.get("dob") in near_dates}
    as_typed = scored["typed"]
    readings = [(as_typed, ())]
    if swapped_row is not None:
        # The names the other way round count only for a record the names as typed do not both fit: a
        # nickname with the right family name is not a swap, though the model's own swapped level (when
        # it has one) can score the swapped reading higher.
        both_fit = {
            unique_id
            for unique_id, levels in as_typed.items()
            if model.agrees(levels, "given_name") and model.agrees(levels, "family_name")
        }
        swapped = {k: v for k, v in scored["swapped"].items() if k not in both_fit}
        readings.append((swapped, ("Given and family names the other way round",)))
    weighed: dict[int, tuple[bool, float, list[str], list, int]] = {}
    for scores, reading in readings:
        for unique_id, levels in scores.items():
            record = int(unique_id)
            note = reading  # what is said of this record alone: one married woman's note is not the next
            if unique_id in near:
                levels = model.postcode_slip(levels)
            if unique_id in slipped_dates:
                levels = model.date_slip(levels)
            # Names the other way round are the query's one difference from the record: a woman's other
            # family name would be a second, and the swapped reading of a family name typed as a given name
            # ('Abbie Morris' read as Morris Abbie) fits any woman whose given name is Morris.
            married = model.another_family_name(levels) if not reading else None
            bar = wanted
            if married is not None:
                levels, note, bar = married, (*note, ANOTHER_FAMILY_NAME), wanted_married
            by_reference = record in found.by_reference
            exact = by_reference or (record in exact_nhs and model.agrees(levels, "nhs_number"))
            if not exact and (
                not any(level.weight > 0 for level in levels) or model.evidence(levels) < max(bar, 1e-9)
            ):
                continue  # nothing agreed, or too little: found by a neighbouring key, not a match
            # Worded only for the records listed: most of those scored are not.
            reasons = [*note, *model.reasons(levels)]
            if by_reference:
                reasons.insert(0, "Partner reference: the reference searched for")
            probability = 1.0 if by_reference else model.probability(levels)
            evidence = model.counted(levels)
            evidence += [("names", words, 0.0) for words in note]
            if by_reference:
                evidence.insert(0, ("reference", "the reference searched for", 100.0))
            # Names read the other way round are not as typed, whatever level the model gives them.
            typed = model.as_typed(levels, ("given_name", "family_name") if reading else ())
            if record not in weighed or (exact, probability, typed) > (
                *weighed[record][:2],
                weighed[record][4],
            ):
                weighed[record] = (exact, probability, reasons, evidence, typed)
    return weighed


# -- addresses -----------------------------------------------------------------------------------------------

# Addresses read for one address search at most: an outcode holds a few thousand.
MAX_PLACES = 5000


def search_addresses(postcode: str, address: str = "", *, limit: int = 20) -> list[AddressMatch]:
    """The first `limit` of `find_addresses`."""
    return find_addresses(postcode, address, limit=limit)[0]


def find_addresses(postcode: str, address: str = "", *, limit: int = 20) -> tuple[list[AddressMatch], int]:
    """(the first `limit` addresses, how many there are in all), so a page can say when it shows only some.

    Standardised addresses at a postcode (or in an outcode such as "NS9"), those that agree best with the
    address words given first, then those with most involvements; each with the number of involvements
    recorded there. Nothing without a postcode: a street name alone is many places."""
    code = normalise_postcode(" ".join(str(postcode or "").split())[:MAX_LENGTH])
    if not code or limit <= 0:
        return [], 0
    addresses = Address.objects.all()
    if " " in code:
        addresses = addresses.filter(postcode=code)
    elif connection.vendor == "postgresql":
        addresses = addresses.filter(postcode__startswith=f"{code} ")  # its pattern-ops index
    else:
        # SQLite uses the index for a range, not for LIKE: 'NS9 ' up to, not including, 'NS9!'.
        addresses = addresses.filter(postcode__gte=f"{code} ", postcode__lt=f"{code}!")
    fields = ("pk", "line_1", "line_2", "line_3", "town", "postcode", "public_id")
    places = list(addresses.values_list(*fields)[:MAX_PLACES])
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
    public_ids = {}
    for pk, line_1, line_2, line_3, town, place_code, public_id in places:
        if not counts.get(pk):
            continue  # every involvement there has been withdrawn or purged
        agreement = _address_agreement(wanted, parse_address(line_1, line_2, line_3)) if words else 0.0
        label = ", ".join(part for part in (line_1, line_2, line_3, town, place_code) if part)
        ranked.append((-agreement, -counts[pk], label, pk))
        public_ids[pk] = str(public_id)
    ranked.sort()
    shown = [AddressMatch(pk, label, -negative, public_ids[pk]) for _a, negative, label, pk in ranked[:limit]]
    return shown, len(ranked)


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
