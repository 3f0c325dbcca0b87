"""Where a request or referral about a partner's involvement goes: to the allocated worker the partner's
record names, when that worker uses MAST (matched by email, else by name within the team), assigned and
emailed to them; else to the team's inbox; for a restricted case, to the agency's front door.

The sender is told the same before sending (the referral form) and after (the confirmation), from `route`, so
what MAST says about who has it is what it did.
"""

from dataclasses import dataclass

from mast.access.models import Agency, Role, User
from mast.feeds.models import Involvement
from mast.gate.gate import Scope


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def worker_user(agency_id: int, email: str, name: str = "", team: str = "") -> User | None:
    """The MAST user the partner's feed names as the allocated worker: the practitioner of that agency with
    that email; else the one of that name in that team. Never a guess between two: with two of the same
    name in the team, nobody (the team's inbox has it)."""
    practitioners = User.objects.filter(agency_id=agency_id, is_active=True, role=Role.PRACTITIONER)
    email = (email or "").strip()
    if "@" in email:
        found = practitioners.filter(email__iexact=email).first()
        if found is not None:
            return found
    name, team = " ".join((name or "").split()).casefold(), (team or "").strip()
    if not name or not team:
        return None
    named = [u for u in practitioners.filter(team__iexact=team) if person_name(u).casefold() == name]
    return named[0] if len(named) == 1 else None


@dataclass(frozen=True)
class Route:
    """Where a request about an involvement goes, as the sender is told before and after sending."""

    agency: Agency
    team: str  # as the partner's feed names it; "" for the agency's front door
    worker: str  # the allocated worker as the feed names them; "" when not named to the sender
    email: str
    # The MAST user it is assigned to and emailed to, when the named worker is one; else the team's inbox.
    assignee: User | None

    @property
    def assignee_name(self) -> str:
        return person_name(self.assignee) if self.assignee is not None else ""


def route(scope: Scope, involvement: Involvement) -> Route:
    """To the allocated worker the partner's record names, when they use MAST; else to the team's inbox; a
    restricted case's worker and team are not named to other agencies, so to the agency's front door."""
    agency = involvement.source.agency
    if not scope.sees_details_of(agency.pk, involvement.restricted):
        return Route(agency, "", "", "", None)
    worker = worker_user(
        agency.pk, involvement.contact_email, involvement.lead_practitioner, involvement.team
    )
    return Route(agency, involvement.team, involvement.lead_practitioner, involvement.contact_email, worker)


def referral_route(scope: Scope, person_id: int, involvement_id: int) -> Route | None:
    """Where a referral about this open involvement of this person would go; None if it is not one."""
    involvement = (
        Involvement.objects.filter(
            pk=involvement_id,
            partner_record__link__person_id=person_id,
            removed_at__isnull=True,
            status=Involvement.Status.OPEN,
        )
        .select_related("source__agency")
        .first()
    )
    return route(scope, involvement) if involvement is not None else None


def waiting_requests(user):
    """Open requests sent to the user's agency that are theirs (assigned to them) or their team's (addressed
    to their team, or to no team and nobody), as the inbox shows them first (None: a user with no agency)."""
    from django.db.models import Q

    from mast.requests.models import Request

    if not getattr(user, "is_authenticated", False) or not getattr(user, "agency_id", None):
        return None
    team = (user.team or "").strip()
    mine = Q(assignee_id=user.pk)
    if team:
        mine |= Q(assignee__isnull=True) & (Q(to_team__iexact=team) | Q(to_team=""))
    else:
        mine |= Q(assignee__isnull=True)
    return Request.objects.filter(mine, to_agency_id=user.agency_id, status__in=Request.OPEN)


# -- which agency to ask -------------------------------------------------------------------------------------


def receiving_agencies(own_agency_id: int) -> dict[int, str]:
    """Agencies that can answer a request in MAST (someone there uses it), other than the sender's own."""
    with_practitioners = (
        User.objects.filter(is_active=True, role=Role.PRACTITIONER, agency__isnull=False)
        .values_list("agency_id", flat=True)
        .distinct()
    )
    return dict(
        Agency.objects.filter(is_active=True, pk__in=with_practitioners)
        .exclude(pk=own_agency_id)
        .order_by("name")
        .values_list("pk", "name")
    )


@dataclass(frozen=True)
class AgenciesToAsk:
    """The agencies a practitioner may ask about a person, those involved with the person first."""

    choices: list[tuple[int, str]]
    by_name: dict[str, int]
    involved_count: int
    # Agencies involved with the person that nobody answers for in MAST (not the asker's own).
    not_in_mast: list[str]


def agencies_to_ask(involved: list[str], *, own_agency_id: int, own_agency_name: str) -> AgenciesToAsk:
    """`involved`: the names of the agencies the person page shows involved with the person, in its order."""
    receiving = receiving_agencies(own_agency_id)
    by_name = {name: pk for pk, name in receiving.items()}
    involved = list(dict.fromkeys(involved))
    involved_ids = [by_name[name] for name in involved if name in by_name]
    not_in_mast = [name for name in involved if name not in by_name and name != own_agency_name]
    choices = [(pk, receiving[pk]) for pk in involved_ids] + [
        (pk, name) for pk, name in receiving.items() if pk not in involved_ids
    ]
    return AgenciesToAsk(choices, by_name, len(involved_ids), not_in_mast)
