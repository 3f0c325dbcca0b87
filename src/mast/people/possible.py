""" "Possibly also recorded as": the undecided possible matches between this person and another, as a
practitioner may see them.

Matching keeps pairs it must not link by itself and must not drop (identity/matching/possible.py) in the
review queue until a feed owner or IG officer decides. Until then the practitioner is told, on the person's
page, that another agency may know this person under another record: which agencies, what kinds of
involvement, and why the pair is in doubt — never the other record's name, date of birth, address or contacts,
which may be another person's (a twin, a same-named parent). Restricted involvements from other agencies give
their agency only, as everywhere else. The read happens inside the person page's gate call, so it is audited
with it."""

from dataclasses import dataclass

from mast.canonical import CATEGORIES
from mast.feeds.models import Involvement
from mast.gate.gate import Scope
from mast.identity.models import MatchCandidate, Person, PersonLink
from mast.people.redaction import in_window


@dataclass(frozen=True)
class PossiblyAlso:
    reason: str
    # (agency id, agency name) of the other record's person, for the request link.
    agencies: tuple[tuple[int, str], ...]
    involvement_kinds: tuple[str, ...]
    # Some of their involvements are restricted from this viewer: only the agency is shown for those.
    restricted: bool


def possibly_also(scope: Scope, person: Person) -> tuple[PossiblyAlso, ...]:
    """One entry per other person an open candidate pair joins this person to, the strongest pair first.
    Only records their partners still hold count, on either side: a withdrawn record keeps its link (for an
    undo) and its candidates stay open until matching next touches them, but it is no longer anyone's."""
    live = PersonLink.objects.filter(partner_record__removed_at__isnull=True)
    mine = set(live.filter(person=person).values_list("partner_record_id", flat=True))
    if not mine:
        return ()
    candidates = MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN).filter(
        record_a_id__in=mine
    ) | MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN, record_b_id__in=mine)
    others: dict[int, str] = {}  # record → reason of its strongest pair with one of mine
    for a, b, reason in candidates.order_by("-match_probability", "pk").values_list(
        "record_a_id", "record_b_id", "reason"
    ):
        other = b if a in mine else a
        if other not in mine:
            others.setdefault(other, reason)
    if not others:
        return ()
    person_of = dict(
        live.filter(partner_record_id__in=others, person__status=Person.Status.ACTIVE).values_list(
            "partner_record_id", "person_id"
        )
    )
    reasons: dict[int, str] = {}
    for record, reason in others.items():
        if person_of.get(record) not in (None, person.pk):
            reasons.setdefault(person_of[record], reason)
    return tuple(_entry(scope, other, reason) for other, reason in reasons.items())


def _entry(scope: Scope, other_person: int, reason: str) -> PossiblyAlso:
    involvements = (
        Involvement.objects.filter(
            partner_record__link__person_id=other_person,
            partner_record__removed_at__isnull=True,
            removed_at__isnull=True,
        )
        .select_related("source__agency")
        .order_by("-start_date", "-pk")
    )
    agencies: dict[int, str] = {}
    kinds: dict[str, None] = {}
    restricted = False
    for involvement in involvements:
        agency = involvement.source.agency
        # Which agencies is what matters most: every agency holding a record, the kinds only of what the
        # person page would show (the display window, not restricted from this viewer).
        agencies.setdefault(agency.pk, agency.name)
        if not in_window(scope, involvement):
            continue
        if scope.sees_details_of(agency.pk, involvement.restricted):
            kinds.setdefault(CATEGORIES.get(involvement.category, involvement.category))
        else:
            restricted = True
    return PossiblyAlso(reason, tuple(agencies.items()), tuple(kinds), restricted)
