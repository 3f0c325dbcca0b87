"""Search results as a practitioner reads them: each person found, why they matched, which agencies know
them in the display window, and whether a case is open — page by page through everyone identity's search
lists, or, when it finds the query too broad, how many and a request for one more detail. Matching itself is
identity's (identity.search)."""

from dataclasses import dataclass, replace
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import F

from mast.feeds.models import Involvement, PartnerRecord
from mast.feeds.problems import record_date_of_birth as date_of_birth_shown
from mast.gate.gate import Scope
from mast.identity.models import Person
from mast.identity.search import find as identity_search
from mast.identity.search.find import SearchQuery
from mast.people import explain
from mast.people.naming import person_name
from mast.people.redaction import dates_in_window, withheld_records

__all__ = [
    "AddressResult",
    "PeopleResults",
    "PersonResult",
    "SearchQuery",
    "search_addresses",
    "search_people",
]

PER_PAGE = 20
THRESHOLD_WORDS = (
    "everyone whose records agree with what you entered at least "
    f"{identity_search.THRESHOLD:.0%} as strongly as a record exactly like it would"
)


@dataclass(frozen=True)
class PersonResult:
    public_id: str
    name: str
    date_of_birth: date | None
    postcode: str
    score: float
    reasons: tuple[str, ...]  # in the model's words, with the numbers: for reviewers
    known_to: tuple[str, ...]
    has_open_case: bool
    because: str = ""  # "same date of birth, surname sounds the same": people.explain
    strength: str = ""  # very strong, strong, possible, weak
    # How a practitioner should see the date of birth: "recorded as '31/02/2015' (not a valid date)" when
    # the partner recorded one that is not a date (feeds/problems.py).
    date_of_birth_shown: str = ""
    # One of the people at the top who match equally well: tagged so, and list number 1 like the others.
    joint_first: bool = False


@dataclass(frozen=True)
class AddressResult:
    address_id: int
    label: str
    involvements: int
    # What the address page's URL shows (see identity.models.Address).
    public_id: str = ""


@dataclass(frozen=True)
class PeopleResults:
    """One page of everyone found. When `too_broad`, no one is listed; `total` is how many match, or, when not
    `exact`, how many at least (counting them all would take too long)."""

    people: tuple[PersonResult, ...]
    total: int
    too_broad: bool
    page: Page
    threshold: str = THRESHOLD_WORDS
    exact: bool = True
    # How many people at the top match equally well (the same evidence): a family name and a postcode often
    # fit a whole household, and the page says so rather than let the order look like a judgement.
    joint_first: int = 0

    @property
    def first(self) -> int:
        return self.page.start_index() if self.people else 0

    @property
    def last(self) -> int:
        return self.page.end_index() if self.people else 0


def search_people(scope: Scope, query: SearchQuery, *, page: int | str = 1) -> PeopleResults:
    """The page asked for (the last, if it is past the end) of everyone identity's search lists."""
    found = identity_search.find_people(query)
    pages = Paginator(found.matches, PER_PAGE, allow_empty_first_page=True).get_page(page)
    joint = _joint_first(found.matches)
    people = _results(scope, list(pages.object_list))
    if pages.number == 1 and 1 < joint <= len(people):
        people = _ties_as_ties(people, joint)
    exact = getattr(found, "exact", True)
    return PeopleResults(tuple(people), found.total, found.too_broad, pages, exact=exact, joint_first=joint)


def _ties_as_ties(people: list[PersonResult], joint: int) -> list[PersonResult]:
    """The people who lead the list matching equally well (a household, for a family name and a postcode),
    in the order of their names and each marked as joint first: nothing typed tells them apart, so the page
    must not seem to rank them. Decision 0031."""
    tied = sorted(people[:joint], key=lambda p: (p.name.casefold().split()[-1:], p.name.casefold()))
    return [replace(p, joint_first=True) for p in tied] + people[joint:]


def _joint_first(matches) -> int:
    """How many people lead the list with the same score as the first, and as many fields as typed (1 when
    the first stands alone): a household for a family name and a postcode, not a record that has the names
    as typed beside one with them the other way round, which the model weighs the same."""
    if not matches:
        return 0
    tie = [(m.score, getattr(m, "as_typed", 0)) for m in matches]
    return next((i for i, t in enumerate(tie) if t != tie[0]), len(matches))


def _results(scope: Scope, matches) -> list[PersonResult]:
    if not matches:
        return []
    people = Person.objects.in_bulk([m.person_id for m in matches])
    best_record = {
        r.pk: r
        for r in PartnerRecord.objects.filter(pk__in=[m.record_ids[0] for m in matches if m.record_ids])
    }
    # Each person is named as their own page names them (`naming`), from all their current records.
    records_of: dict[int, list] = {}
    for record in (
        PartnerRecord.objects.filter(link__person_id__in=list(people), removed_at__isnull=True)
        .annotate(person_id=F("link__person_id"))
        .only("pk", "given_name", "middle_names", "family_name", "updated_at")
    ):
        records_of.setdefault(record.person_id, []).append(record)
    # A partner's restricted record may carry an address that must not be shown (a refuge, say): its postcode
    # is withheld from other agencies, as the person page withholds its addresses.
    withheld = withheld_records(
        scope,
        Involvement.objects.filter(
            partner_record_id__in=[r.pk for rs in records_of.values() for r in rs] + list(best_record),
            restricted=True,
            removed_at__isnull=True,
        ).values_list("partner_record_id", "source__agency_id", "restricted"),
    )
    agencies: dict[int, set[str]] = {}
    open_case: set[int] = set()
    # Plain values: the people found may have hundreds of involvements between them, and only these five
    # fields of each are needed (whole rows, with each record's link and its explanation, took four times as
    # long at a million records).
    involvements = Involvement.objects.filter(
        partner_record__link__person_id__in=list(people), removed_at__isnull=True
    ).values_list(
        "partner_record__link__person_id", "source__agency__name", "status", "start_date", "end_date"
    )
    older: dict[int, set[str]] = {}
    for person_id, agency, status, start_date, end_date in involvements:
        if dates_in_window(scope, status, start_date, end_date):
            agencies.setdefault(person_id, set()).add(agency)
        else:
            older.setdefault(person_id, set()).add(agency)
        if status == Involvement.Status.OPEN:
            open_case.add(person_id)
    results = []
    for match in matches:
        person = people.get(match.person_id)
        record = best_record.get(match.record_ids[0]) if match.record_ids else None
        if person is None or record is None:
            continue
        results.append(
            PersonResult(
                public_id=str(person.public_id),
                name=person_name(records_of.get(match.person_id, [record]), withheld),
                date_of_birth=record.date_of_birth,
                postcode="" if record.pk in withheld else record.postcode,
                score=match.score,
                reasons=match.reasons,
                known_to=_known_to(scope, agencies.get(match.person_id, set()), older.get(match.person_id)),
                has_open_case=match.person_id in open_case,
                because=explain.because(getattr(match, "evidence", ())),
                strength=explain.strength(match.score),
                date_of_birth_shown=date_of_birth_shown(record),
            )
        )
    return results


def _known_to(scope: Scope, recent: set[str], older: set[str] | None) -> tuple[str, ...]:
    """Every agency holding a record: "not known" must mean not known, so those known only before the
    display window are listed too, and said to be."""
    before = f" (before {scope.shown_from:%B %Y})"
    return (*sorted(recent), *(f"{name}{before}" for name in sorted((older or set()) - recent)))


class AddressResults(list):
    """The addresses shown, best first, and how many there are in all (`total`): an outcode holds hundreds,
    and the page says when it shows only the first."""

    total: int = 0


def search_addresses(scope: Scope, postcode: str, address: str = "", *, limit: int = 20) -> AddressResults:
    found, total = identity_search.find_addresses(postcode, address, limit=limit)
    results = AddressResults(AddressResult(m.address_id, m.label, m.involvements, m.public_id) for m in found)
    results.total = total
    return results
