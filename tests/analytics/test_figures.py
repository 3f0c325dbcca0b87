"""The dashboard's figures on a small synthetic region, checked against counts worked out here, independently,
from the records the test made — and what an analyst is shown of them after disclosure control."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from mast.access.models import Role
from mast.analytics import demand, facts, people
from mast.analytics.filters import Filters, month_label, next_month
from mast.canonical import CATEGORIES
from mast.feeds.models import Involvement
from mast.identity.models import Person, PersonLink
from mast.requests.models import Request
from tests.factories.access import make_user
from tests.factories.analytics import TODAY, region

pytestmark = pytest.mark.django_db
# The small region the figures are checked on (tests/factories/analytics.py).
__all__ = ["region"]


def _filters(**more) -> Filters:
    first, last = facts.window(TODAY)
    return Filters(first_month=first, last_month=last, **more)


def _active(start, end, month) -> bool:
    month_end = next_month(month) - timedelta(days=1)
    last = end if end is not None else TODAY
    return start <= month_end and last >= month


def _known_by_hand(truth, filters: Filters) -> list[list[int]]:
    """Each month: the people with an involvement live that the filters pick out (of the agency chosen, of
    the category chosen), by how many agencies knew them in all that month."""
    rows = []
    for month in filters.months:
        agencies: dict[int, set] = {}
        picked = set()
        for person, agency, category, start, end, district, _ in truth:
            if filters.district and district != filters.district:
                continue
            if _active(start, end, month):
                agencies.setdefault(person, set()).add(agency)
                if filters.agency_id in (None, agency) and filters.category in ("", category):
                    picked.add(person)
        counts = Counter(min(len(agencies[p]), 3) for p in picked)
        rows.append([counts[1], counts[2], counts[3]])
    return rows


@pytest.mark.parametrize("narrowed", ["everyone", "one district", "one agency"])
def test_people_known_to_one_two_or_three_agencies_match_a_count_by_hand(region, narrowed):
    more = {"everyone": {}, "one district": {"district": "ZZ2"}}.get(narrowed)
    if more is None:
        more = {"agency_id": region["sources"][1].agency_id}
    filters = _filters(**more)
    with facts.connect() as db:
        table = people.known_to_agencies(db, filters)
    assert table.rows == [month_label(m) for m in filters.months] and len(table.rows) == 36
    assert table.body == _known_by_hand(region["truth"], filters)
    assert sum(map(sum, table.body)) > 100, "the region should know a good many people over three years"


def _domestic_abuse_too(region) -> list:
    """Domestic abuse involvements recorded by the police and by health for some people already known, so a
    category is no longer the same as an agency; the truth with them."""
    police, _, health = region["sources"]
    truth = list(region["truth"])
    for n, link in enumerate(PersonLink.objects.filter(partner_record__source__in=[police, health])):
        if n % 3:
            continue
        record = link.partner_record
        start = TODAY - timedelta(days=40 * n % 900)
        end = start + timedelta(days=90)
        Involvement.objects.create(
            source=record.source, record_id=f"DA{n}", partner_record=record, involvement_type="DA",
            category="domestic_abuse", start_date=start, end_date=end, status="closed", content_hash="0" * 64,
            first_load=record.first_load, changed_load=record.first_load,
        )  # fmt: skip
        district = record.postcode.split()[0]
        truth.append((link.person_id, record.source.agency_id, "domestic_abuse", start, end, district, ""))
    facts.refresh(TODAY)
    return truth


@pytest.mark.parametrize("narrowed", ["one category", "one category at one agency", "category and district"])
def test_the_category_filter_narrows_the_people_known_to_those_with_that_kind_of_involvement(
    region, narrowed
):
    truth = _domestic_abuse_too(region)
    police = region["sources"][0]
    more = {
        "one category": {},
        "one category at one agency": {"agency_id": police.agency_id},
        "category and district": {"district": "ZZ1"},
    }[narrowed]
    filters = _filters(category="domestic_abuse", **more)
    with facts.connect() as db:
        table = people.known_to_agencies(db, filters)
        everyone = people.known_to_agencies(db, _filters(**more))
    assert table.body == _known_by_hand(truth, filters)
    assert 0 < sum(map(sum, table.body)) < sum(map(sum, everyone.body)), "narrower than without the category"


def test_new_involvements_by_agency_and_category_match_a_count_by_hand(region):
    filters = _filters()
    with facts.connect() as db:
        table = people.new_involvements(db, filters)
    expected = Counter(
        (category, agency)
        for _, agency, category, start, *_ in region["truth"]
        if start >= filters.first_month
    )
    agencies = {source.agency.name: source.agency_id for source in region["sources"]}
    categories = {label: code for code, label in CATEGORIES.items()}
    got = {
        (categories[category], agencies[agency]): table.body[i][j]
        for i, category in enumerate(table.rows)
        for j, agency in enumerate(table.columns)
    }
    assert len(got) == 9 and got == {key: expected[key] for key in got}


def test_the_front_door_counts_contacts_about_a_case_open_at_another_agency(region):
    filters = _filters()
    truth = region["truth"]
    open_elsewhere = Counter()
    for person, agency, category, start, *_ in truth:
        if category != "csc_contact" or start < filters.first_month:
            continue
        elsewhere = any(
            p == person and a != agency and s <= start and (e is None or e >= start)
            for p, a, _, s, e, *_ in truth
        )
        open_elsewhere[(start.replace(day=1), elsewhere)] += 1
    with facts.connect() as db:
        table = people.front_door(db, filters)
    assert table.body == [[open_elsewhere[(m, True)], open_elsewhere[(m, False)]] for m in filters.months]


def test_an_analyst_is_never_shown_a_count_below_five(region):
    with facts.connect() as db:
        shown = people.known_to_agencies(db, _filters(district="ZZ1")).shown()
    numbers = [v for line in shown.lines for v in line if v is not None]
    assert numbers and all(v == 0 or v >= 5 for v in numbers)
    assert shown.has_hidden, "a region this small has months with one to four people known to three agencies"
    assert "[c]" in shown.csv()


def test_targeted_requests_by_agency_pair_match_a_count_by_hand(region):
    police, children, _ = region["sources"]
    person = Person.objects.first()
    sender = make_user(Role.PRACTITIONER, agency=police.agency)
    now = timezone.now()
    outcomes = ["replied"] * 6 + ["declined"] * 2 + ["sent"] * 3
    for k, status in enumerate(outcomes):
        Request.objects.create(
            kind=Request.Kind.INFORMATION, person=person, from_user=sender, from_agency=police.agency,
            to_agency=children.agency, purpose_code="x", purpose_reference="R", question="?", status=status,
            sent_at=now - timedelta(days=3), due_at=now - timedelta(days=2),
            answered_at=now - timedelta(days=1 if k % 2 else 3) if status != "sent" else None,
        )  # fmt: skip
    month = timezone.localdate(now - timedelta(days=3)).replace(day=1)
    table = demand.requests_by_pair(Filters(first_month=month, last_month=month))
    # Replies: k = 0, 2, 4 answered as sent (0 hours, on time), k = 1, 3, 5 two days later (48 hours, late).
    assert table.body == [[3, 3, 2, 3]]
    assert table.extra == ["24.0"]


def test_use_of_mast_by_sex_counts_pages_opened_searches_and_requests_about_each_group(region):
    """Person pages opened (from the audit log), people a search listed and requests sent, by the sex of the
    person concerned: who gets looked at, and who gets searched for."""
    from mast.analytics import fairness
    from mast.audit import chain

    police, children, _ = region["sources"]
    viewer = make_user(Role.PRACTITIONER, agency=police.agency)
    people_by_sex = {"female": [], "male": []}
    for person in Person.objects.all():
        sex = person.links.first().partner_record.sex
        people_by_sex[sex].append(person)
    for person in people_by_sex["female"][:7] + people_by_sex["male"][:2]:
        chain.append(user=viewer, action="view_person", target=f"person:{person.public_id}", detail={})
    listed = people_by_sex["female"][:5] + people_by_sex["male"][:6]
    chain.append(
        user=viewer, action="search_people", target="search",
        detail={"terms": {"family_name": "x"}, "people_shown": [str(p.public_id) for p in listed]},
    )  # fmt: skip
    for person in people_by_sex["male"][:6]:
        Request.objects.create(
            kind=Request.Kind.INFORMATION, person=person, from_user=viewer, from_agency=police.agency,
            to_agency=children.agency, purpose_code="x", purpose_reference="R", question="?",
        )  # fmt: skip
    facts.refresh()
    first, last = facts.window(timezone.localdate())
    with facts.connect() as db:
        table = fairness.use_by(db, Filters(first_month=first, last_month=last), "sex")
    rows = dict(zip(table.rows, table.body, strict=True))
    assert table.columns == ["People known (last month)", "Person pages opened", "Found by a search",
                             "Requests about them"]  # fmt: skip
    assert [rows["Female"][1:], rows["Male"][1:]] == [[7, 5, 0], [2, 6, 6]]
    shown = dict(zip(table.rows, table.shown().lines, strict=True))
    assert shown["Male"][1] is None, "two pages opened about men is too few to show"


def test_people_found_by_a_search_month_by_month_beside_the_people_known(region):
    """The fairness page's month-by-month table: each month a row, each group a column, and the group
    searched most for its numbers that month; earlier months with no searches show nothing to compare."""
    from mast.analytics import fairness
    from mast.audit import chain

    police, _, _ = region["sources"]
    viewer = make_user(Role.PRACTITIONER, agency=police.agency)
    by_sex = {"female": [], "male": []}
    for person in Person.objects.all():
        by_sex[person.links.first().partner_record.sex].append(person)
    listed = by_sex["female"][:5] + by_sex["male"][:6]
    chain.append(
        user=viewer, action="search_people", target="search",
        detail={"terms": {"family_name": "x"}, "people_shown": [str(p.public_id) for p in listed]},
    )  # fmt: skip
    facts.refresh()
    first, last = facts.window(timezone.localdate())
    filters = Filters(first_month=first, last_month=last)
    with facts.connect() as db:
        table = fairness.searched_by_month(db, filters, "sex")
        known = dict(
            db.execute(
                "SELECT sex, sum(people) FROM known_counts "
                "WHERE month = ? AND agency_id = 0 AND category = '' GROUP BY 1",
                [last],
            ).fetchall()
        )
    assert table.rows == [m.strftime("%b %Y") for m in filters.months] and len(table.rows) > 1
    assert table.columns == ["Female", "Male"]
    this_month = timezone.localdate().strftime("%b %Y")
    rows = dict(zip(table.rows, table.body, strict=True))
    assert rows[this_month] == [5, 6]
    assert all(body == [0, 0] for month, body in rows.items() if month != this_month)
    extras = dict(zip(table.rows, table.extra, strict=True))
    rates = {"Female": 100 * 5 / known["female"], "Male": 100 * 6 / known["male"]}
    most = max(rates, key=rates.get)
    assert extras[this_month] == f"{most}: {rates[most]:.1f}"
    assert {extras[m] for m in table.rows if m != this_month} == {"—"}
