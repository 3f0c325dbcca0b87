"""Chasing: requests past their due time are marked overdue (the assignee and the team are told), and those
still open the agreement's escalation delay later go to the team's manager. Run by `mast chase_requests` or
the background task."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mast.governance.services import request_times
from mast.requests.actions import Kind, event
from mast.requests.models import Request
from mast.requests.routing import person_name
from mast.requests.telling import notify_team, notify_users, team_manager


@dataclass(frozen=True)
class ChaseResult:
    overdue: int
    escalated: int
    # Escalations that found no manager recorded for the team: the team was told again instead.
    without_manager: int = 0


def chase(now: datetime | None = None) -> ChaseResult:
    """Mark open requests past their due time overdue (telling the assignee and the team), and escalate those
    still open the agreement's escalation delay after their due time to the team's manager.

    Safe to run as often as wanted: each request is marked overdue once and escalated once.
    """
    now = now or timezone.now()
    times = request_times(timezone.localdate(now))
    overdue = 0
    for pk in Request.objects.filter(
        status__in=Request.OPEN, due_at__lte=now, overdue_at__isnull=True
    ).values_list("pk", flat=True):
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=pk)
            if not request.is_open or request.overdue_at is not None:
                continue
            request.overdue_at = now
            request.save(update_fields=["overdue_at", "updated_at"])
            event(request, Kind.OVERDUE, None, note=_due_note(request), at=now)
            assignee = [request.assignee] if request.assignee_id else []
            transaction.on_commit(lambda r=request, a=assignee: notify_team(r, "request_overdue", also=a))
            overdue += 1
    escalated = without_manager = 0
    cutoff = now - timedelta(hours=times.escalate_after_hours)
    for pk in Request.objects.filter(
        status__in=Request.OPEN, overdue_at__isnull=False, escalated_at__isnull=True, due_at__lte=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=pk)
            if not request.is_open or request.escalated_at is not None:
                continue
            manager = team_manager(request.to_agency_id, request.to_team)
            request.escalated_at = now
            request.save(update_fields=["escalated_at", "updated_at"])
            if manager is not None:
                note = f"Escalated to {person_name(manager)}, who manages the team"
                transaction.on_commit(lambda r=request, m=manager: notify_users([m], "request_escalated", r))
            else:
                without_manager += 1
                note = "No manager is recorded in MAST for this team: the team was reminded instead"
                transaction.on_commit(lambda r=request: notify_team(r, "request_overdue"))
            event(request, Kind.ESCALATED, None, note=note, at=now)
            escalated += 1
    return ChaseResult(overdue=overdue, escalated=escalated, without_manager=without_manager)


def _due_note(request: Request) -> str:
    return f"Not answered by {timezone.localtime(request.due_at):%-d %B %Y at %H:%M}"
