"""Who is told about a request, and how: emails that say only that there is something to see in MAST, with a
link (mast.notifications), sent once the change is committed."""

from collections.abc import Iterable

from django.urls import reverse

from mast.access.models import Role, Team, User
from mast.notifications import send_message, send_to_users
from mast.notifications.messages import build
from mast.requests.models import Request


def team_manager(agency_id: int, team: str) -> User | None:
    found = Team.objects.filter(agency_id=agency_id, name__iexact=team.strip()).select_related("manager")
    for entry in found:
        if entry.manager is not None and entry.manager.is_active:
            return entry.manager
    return None


def team_members(agency_id: int, team: str) -> list[User]:
    """The practitioners of the team a request is addressed to; with no team, or nobody in MAST in it, the
    agency's practitioners (its front door)."""
    practitioners = User.objects.filter(agency_id=agency_id, is_active=True, role=Role.PRACTITIONER)
    if team.strip():
        members = list(practitioners.filter(team__iexact=team.strip()))
        if members:
            return members
    return list(practitioners)


def request_path(request: Request) -> str:
    return reverse("web:request", args=[request.pk])


def notify_users(users: Iterable[User], kind: str, request: Request) -> int:
    unique = {user.pk: user for user in users if user is not None}
    return send_to_users(unique.values(), kind, request_path(request))


def notify_team(request: Request, kind: str, also: Iterable[User] = (), worker: User | None = None) -> int:
    """The allocated worker, when it is assigned to them, else the team's practitioners (the agency's, with
    no team in MAST); and the team's mailbox either way, so someone covers when the worker is away."""
    people = [*also, *([worker] if worker else team_members(request.to_agency_id, request.to_team))]
    sent = notify_users(people, kind, request)
    mailbox = (
        Team.objects.filter(agency_id=request.to_agency_id, name__iexact=request.to_team.strip())
        .exclude(email="")
        .values_list("email", flat=True)
        .first()
        if request.to_team.strip()
        else None
    )
    if mailbox:
        sent += send_message([mailbox], build(kind, request_path(request)))
    return sent


def notify_requester(request: Request, kind: str) -> int:
    return notify_users([request.from_user], kind, request)
