"""The life of a targeted request, as the two agencies act on it: sending, then answering.

    sent ──► acknowledged ──► replied
      │            │
      └────────────┴────────► declined (with a reason)

A practitioner sends a request for information to one partner agency (and, when the request is about one of
its involvements, to the team named in its feed), about that involvement or the person generally, under the
purpose they stated, with a question and a priority. Referrals about open cases (`send_referral`) go to the
allocated worker's team and follow the same life. The receiving agency's team inbox holds what was sent to it;
anyone in the agency may take a request on, assign it to a colleague, acknowledge it, reply or decline. Every
step is a `RequestEvent` that both agencies see. Only the two agencies see a request: the functions that
change one take the gate's `Scope` and refuse anyone else. Who is told, and when, is requests.telling.
"""

import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mast.access.models import Agency, Role, User
from mast.feeds.models import Involvement
from mast.gate.gate import NotFound, Scope
from mast.governance.services import request_times
from mast.people.person import find_person
from mast.requests import due
from mast.requests.models import Request, RequestEvent
from mast.requests.routing import Route, person_name, route, worker_user
from mast.requests.telling import notify_requester, notify_team, notify_users

QUESTION_MAX = 5000
REPLY_MAX = 10000
REASON_MAX = 2000

Kind = RequestEvent.Kind


class RequestNotFound(NotFound):
    message = "No request has this id."


# -- sending -------------------------------------------------------------------------------------------------


def _text(value: str, *, field_name: str, missing: str, limit: int, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: missing})
    if len(value) > limit:
        raise ValidationError({field_name: f"{what} must be {limit:,} characters or fewer"})
    return value


def _check_priority(priority: str) -> None:
    if priority not in Request.Priority.values:
        raise ValidationError({"priority": "Select a priority"})


def _open_request(request: Request, *, user, event_note: str = "") -> Request:
    """Give a new request its due time, its first event and its assignee (the named worker, when they use
    MAST), and tell them — or, with nobody assigned, the receiving team — once it is committed."""
    request.sent_at = timezone.now()
    times = request_times(timezone.localdate(request.sent_at))
    request.due_at = due.due_at(request.sent_at, request.priority, times)
    worker = worker_user(request.to_agency_id, request.to_email, request.to_worker, request.to_team)
    if worker is not None:
        request.assignee = worker
    request.save()
    RequestEvent.objects.create(
        request=request,
        kind=Kind.SENT,
        at=request.sent_at,
        user=user,
        agency_id=request.from_agency_id,
        note=event_note,
    )
    kind = "referral_received" if request.kind == Request.Kind.REFERRAL else "request_received"
    transaction.on_commit(lambda: notify_team(request, kind, worker=worker))
    return request


def send_request(
    scope: Scope,
    *,
    user,
    purpose,
    public_id: uuid.UUID,
    to_agency_id: int,
    question: str,
    priority: str = Request.Priority.AMBER,
    involvement_id: int | None = None,
) -> Request:
    """Ask one partner agency for information about this person, or about one of its involvements with them.

    About an involvement, the request goes to the team (and worker) the partner's feed names for it — unless
    the partner restricted it, when it goes to the agency's front door, as the viewer may not see the team.
    """
    question = _text(
        question,
        field_name="question",
        missing="Enter your question",
        limit=QUESTION_MAX,
        what="Your question",
    )
    _check_priority(priority)
    if purpose is None:
        raise ValidationError("State which case you are working on, and why, before sending a request")
    person = find_person(public_id)
    agency = Agency.objects.filter(pk=to_agency_id, is_active=True).first()
    if agency is None:
        raise ValidationError({"agency": "Select the agency to ask"})
    if agency.pk == scope.agency_id:
        raise ValidationError({"agency": "Select another agency: ask colleagues in your own agency directly"})
    involvement = None
    if involvement_id is not None:
        involvement = (
            Involvement.objects.filter(
                pk=involvement_id, partner_record__link__person=person, removed_at__isnull=True
            )
            .select_related("source__agency")
            .first()
        )
        if involvement is None or involvement.source.agency_id != agency.pk:
            raise ValidationError(
                {"involvement": "Select one of this person's involvements with that agency"}
            )
    to = route(scope, involvement) if involvement is not None else Route(agency, "", "", "", None)
    request = Request(
        kind=Request.Kind.INFORMATION,
        person=person,
        involvement=involvement,
        from_user=user,
        from_agency_id=scope.agency_id,
        to_agency=agency,
        to_team=to.team,
        to_worker=to.worker,
        to_email=to.email,
        purpose_code=purpose.reason,
        purpose_reference=purpose.reference,
        question=question,
        priority=priority,
    )
    return _open_request(request, user=user)


def send_referral(
    scope: Scope, *, user, purpose, public_id, involvement_id: int, summary: str, priority: str = "amber"
) -> Request:
    """Send a referral about this person to the allocated worker of one of their open involvements."""
    summary = _text(
        summary,
        field_name="summary",
        missing="Enter what the referral is about",
        limit=QUESTION_MAX,
        what="The referral",
    )
    _check_priority(priority)
    person = find_person(public_id)
    involvement = (
        Involvement.objects.filter(
            pk=involvement_id,
            partner_record__link__person=person,
            removed_at__isnull=True,
            status=Involvement.Status.OPEN,
        )
        .select_related("source__agency")
        .first()
    )
    if involvement is None:
        raise ValidationError({"involvement": "Select an open case of this person's"})
    to = route(scope, involvement)
    request = Request(
        kind=Request.Kind.REFERRAL,
        person=person,
        involvement=involvement,
        from_user=user,
        from_agency_id=user.agency_id,
        to_agency=to.agency,
        to_team=to.team,
        to_worker=to.worker,
        to_email=to.email,
        purpose_code=purpose.reason,
        purpose_reference=purpose.reference,
        question=summary,
        priority=priority,
    )
    return _open_request(request, user=user)


# -- answering -----------------------------------------------------------------------------------------------


def _for_answer(scope: Scope, request_id: int) -> Request:
    """The request, locked, if it was sent to the viewer's agency; refused for anyone else."""
    request = Request.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise RequestNotFound(request_id)
    if request.to_agency_id != scope.agency_id:
        raise PermissionDenied("Only the agency a request was sent to can answer it.")
    return request


def _still_open(request: Request) -> None:
    if not request.is_open:
        raise ValidationError(f"This request has already been {request.get_status_display().lower()}")


def event(request: Request, kind: str, user, note: str = "", at: datetime | None = None) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        at=at or timezone.now(),
        user=user,
        agency_id=user.agency_id if user is not None else None,
        note=note,
    )


def assign(scope: Scope, *, user, request_id: int, assignee_id: int) -> Request:
    """Give the request to a named practitioner in the receiving agency (the user themself included)."""
    request = _for_answer(scope, request_id)
    _still_open(request)
    assignee = User.objects.filter(
        pk=assignee_id, agency_id=request.to_agency_id, is_active=True, role=Role.PRACTITIONER
    ).first()
    if assignee is None:
        raise ValidationError({"assignee": "Select someone in your agency"})
    if assignee.pk == request.assignee_id:
        return request
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    event(request, Kind.ASSIGNED, user, note=f"Assigned to {person_name(assignee)}")
    if assignee.pk != user.pk:
        transaction.on_commit(lambda: notify_users([assignee], "request_received", request))
    return request


def acknowledge(scope: Scope, *, user, request_id: int) -> Request:
    """Say the request has been seen and is being worked on; it is assigned to the user if nobody has it."""
    request = _for_answer(scope, request_id)
    if request.status != Request.Status.SENT:
        raise ValidationError(f"This request has already been {request.get_status_display().lower()}")
    now = timezone.now()
    request.status = Request.Status.ACKNOWLEDGED
    request.acknowledged_at = now
    took_on = request.assignee_id is None
    if took_on:
        request.assignee = user
    request.save(update_fields=["status", "acknowledged_at", "assignee", "updated_at"])
    event(request, Kind.ACKNOWLEDGED, user, at=now)
    if took_on:
        event(request, Kind.ASSIGNED, user, note=f"Assigned to {person_name(user)}", at=now)
    transaction.on_commit(lambda: notify_requester(request, "request_acknowledged"))
    return request


def reply(scope: Scope, *, user, request_id: int, text: str) -> Request:
    """Answer the request, in text (no attachments)."""
    text = _text(text, field_name="reply", missing="Enter your reply", limit=REPLY_MAX, what="Your reply")
    request = _for_answer(scope, request_id)
    _still_open(request)
    return _answer(request, user, Request.Status.REPLIED, Kind.REPLIED, reply=text)


def decline(scope: Scope, *, user, request_id: int, reason: str) -> Request:
    """Decline the request, saying why (no lawful basis to share, not known to us, wrong agency...)."""
    reason = _text(
        reason,
        field_name="reason",
        missing="Enter why you are declining the request",
        limit=REASON_MAX,
        what="The reason",
    )
    request = _for_answer(scope, request_id)
    _still_open(request)
    return _answer(request, user, Request.Status.DECLINED, Kind.DECLINED, decline_reason=reason)


def _answer(request: Request, user, status: str, kind: str, **text) -> Request:
    now = timezone.now()
    request.status = status
    request.answered_at = now
    request.answered_by = user
    if request.assignee_id is None:
        request.assignee = user
    for name, value in text.items():
        setattr(request, name, value)
    request.save()
    event(request, kind, user, note=next(iter(text.values())), at=now)
    notice = "request_replied" if status == Request.Status.REPLIED else "request_declined"
    transaction.on_commit(lambda: notify_requester(request, notice))
    return request
