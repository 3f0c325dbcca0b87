"""Targeted requests between agencies, from sending to an answer.

A practitioner sends a request for information to one partner agency (and, when the request is about one of
its involvements, to the team named in its feed), about that involvement or the person generally, under the
purpose they stated, with a question and a priority. Referrals about open cases (`send_referral`) go to the
allocated worker's team and follow the same life:

    sent ──► acknowledged ──► replied
      │            │
      └────────────┴────────► declined (with a reason)

The receiving agency's team inbox holds what was sent to it; anyone in the agency may take a request on,
assign it to a colleague, acknowledge it, reply or decline. Every step is a `RequestEvent` that both agencies
see. Only the two agencies see a request: the functions that read or change one take the gate's `Scope` and
refuse anyone else. `chase` (run by `mast chase_requests` or the background task) marks requests overdue and
escalates them to the team's manager.

Emails say only that there is something to see in MAST, with a link (mast.notifications); they are sent once
the change is committed.
"""

import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Q, When
from django.urls import reverse
from django.utils import timezone

from mast.access.models import Agency, Role, Team, User
from mast.feeds.models import Involvement, PartnerRecord
from mast.gate.gate import NotFound, Scope
from mast.governance.models import Purpose
from mast.governance.services import request_times
from mast.identity.models import Person
from mast.people.person import find_person
from mast.people.redaction import InvolvementLine, line
from mast.requests import due
from mast.requests.models import Request, RequestEvent
from mast.requests.routing import Route, route, worker_user

QUESTION_MAX = 5000
REPLY_MAX = 10000
REASON_MAX = 2000
# "Due soon": open, not yet overdue, and due within this time.
DUE_SOON = timedelta(hours=24)
# The dashboard's median time to reply is over replies in this many days.
MEDIAN_DAYS = 90

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
    transaction.on_commit(lambda: _notify_team(request, kind, worker=worker))
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


def _event(request: Request, kind: str, user, note: str = "", at: datetime | None = None) -> RequestEvent:
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
    _event(request, Kind.ASSIGNED, user, note=f"Assigned to {_person_name(assignee)}")
    if assignee.pk != user.pk:
        transaction.on_commit(lambda: _notify_users([assignee], "request_received", request))
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
    _event(request, Kind.ACKNOWLEDGED, user, at=now)
    if took_on:
        _event(request, Kind.ASSIGNED, user, note=f"Assigned to {_person_name(user)}", at=now)
    transaction.on_commit(lambda: _notify_requester(request, "request_acknowledged"))
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
    _event(request, kind, user, note=next(iter(text.values())), at=now)
    notice = "request_replied" if status == Request.Status.REPLIED else "request_declined"
    transaction.on_commit(lambda: _notify_requester(request, notice))
    return request


# -- chasing -------------------------------------------------------------------------------------------------


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
            _event(request, Kind.OVERDUE, None, note=_due_note(request), at=now)
            assignee = [request.assignee] if request.assignee_id else []
            transaction.on_commit(lambda r=request, a=assignee: _notify_team(r, "request_overdue", also=a))
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
                note = f"Escalated to {_person_name(manager)}, who manages the team"
                transaction.on_commit(lambda r=request, m=manager: _notify_users([m], "request_escalated", r))
            else:
                without_manager += 1
                note = "No manager is recorded in MAST for this team: the team was reminded instead"
                transaction.on_commit(lambda r=request: _notify_team(r, "request_overdue"))
            _event(request, Kind.ESCALATED, None, note=note, at=now)
            escalated += 1
    return ChaseResult(overdue=overdue, escalated=escalated, without_manager=without_manager)


def _due_note(request: Request) -> str:
    return f"Not answered by {timezone.localtime(request.due_at):%-d %B %Y at %H:%M}"


# -- who is told ---------------------------------------------------------------------------------------------


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


def _request_path(request: Request) -> str:
    return reverse("web:request", args=[request.pk])


def _notify_users(users: Iterable[User], kind: str, request: Request) -> int:
    from mast.notifications import send_to_users

    unique = {user.pk: user for user in users if user is not None}
    return send_to_users(unique.values(), kind, _request_path(request))


def _notify_team(request: Request, kind: str, also: Iterable[User] = (), worker: User | None = None) -> int:
    """The allocated worker, when it is assigned to them, else the team's practitioners (the agency's, with
    no team in MAST); and the team's mailbox either way, so someone covers when the worker is away."""
    from mast.notifications import send_message
    from mast.notifications.messages import build

    people = [*also, *([worker] if worker else team_members(request.to_agency_id, request.to_team))]
    sent = _notify_users(people, kind, request)
    mailbox = (
        Team.objects.filter(agency_id=request.to_agency_id, name__iexact=request.to_team.strip())
        .exclude(email="")
        .values_list("email", flat=True)
        .first()
        if request.to_team.strip()
        else None
    )
    if mailbox:
        sent += send_message([mailbox], build(kind, _request_path(request)))
    return sent


def _notify_requester(request: Request, kind: str) -> int:
    return _notify_users([request.from_user], kind, request)


# -- reading -------------------------------------------------------------------------------------------------


def _person_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


@dataclass(frozen=True)
class PersonLabel:
    public_id: uuid.UUID
    name: str
    date_of_birth: date | None
    # The viewer's own agency's references for this person, so a receiving team can find its record.
    own_references: tuple[str, ...] = ()


def _survivors(person_ids: set[int]) -> dict[int, int]:
    """Each person's id now: a person merged since the request was sent is followed to the one they became."""
    now = {pk: pk for pk in person_ids}
    pending = dict(
        Person.objects.filter(pk__in=person_ids, status=Person.Status.MERGED).values_list(
            "pk", "merged_into_id"
        )
    )
    for _ in range(20):
        if not pending:
            break
        for original, target in list(pending.items()):
            now[original] = target
        onward = dict(
            Person.objects.filter(pk__in=set(pending.values()), status=Person.Status.MERGED).values_list(
                "pk", "merged_into_id"
            )
        )
        pending = {original: onward[target] for original, target in pending.items() if target in onward}
    return now


def _labels(scope: Scope, person_ids: Iterable[int]) -> dict[int, PersonLabel]:
    """Who each request is about, as the viewer may see them: the name from a record they may see (their own
    agency's first), as the person page names them."""
    survivors = _survivors(set(person_ids))
    if not survivors:
        return {}
    found = _labels_of(scope, set(survivors.values()))
    return {original: found[now] for original, now in survivors.items() if now in found}


def _labels_of(scope: Scope, person_ids: set[int]) -> dict[int, PersonLabel]:
    records = list(
        PartnerRecord.objects.filter(link__person_id__in=person_ids, removed_at__isnull=True)
        .select_related("source", "link__person")
        .order_by("-updated_at", "-pk")
    )
    restricted = set(
        Involvement.objects.filter(
            partner_record__in=[r.pk for r in records], restricted=True, removed_at__isnull=True
        ).values_list("partner_record_id", flat=True)
    )
    by_person: dict[int, list[PartnerRecord]] = defaultdict(list)
    for record in records:
        by_person[record.link.person_id].append(record)
    labels = {}
    for person_id, found in by_person.items():
        own = [r for r in found if r.source.agency_id == scope.agency_id]
        visible = [
            r for r in found if r.pk not in restricted or scope.sees_details_of(r.source.agency_id, True)
        ]
        best = (own or visible or found)[0]
        given = " ".join(p for p in (best.given_name, best.middle_names) if p)
        labels[person_id] = PersonLabel(
            public_id=best.link.person.public_id,
            name=f"{given} {best.family_name}".strip() or "Unknown",
            date_of_birth=best.date_of_birth if best in visible else None,
            own_references=tuple(sorted({r.person_ref for r in own})),
        )
    return labels


@dataclass(frozen=True)
class RequestLine:
    """One request as a list shows it."""

    pk: int
    kind: str
    kind_label: str
    person: PersonLabel | None
    from_agency: str
    from_user: str
    to_agency: str
    to_team: str
    to_worker: str
    assignee: str
    assignee_id: int | None
    priority: str
    priority_label: str
    status: str
    status_label: str
    sent_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    overdue: bool
    due_soon: bool
    escalated: bool
    sent_by_viewer_agency: bool

    @property
    def state(self) -> str:
        """What a list shows in its status column: overdue wins over sent or acknowledged."""
        return "overdue" if self.overdue else self.status

    @property
    def state_label(self) -> str:
        return "Overdue" if self.overdue else self.status_label


def _line(scope: Scope, request: Request, labels: dict[int, PersonLabel], now: datetime) -> RequestLine:
    overdue = request.is_overdue(now)
    return RequestLine(
        pk=request.pk,
        kind=request.kind,
        kind_label=request.get_kind_display(),
        person=labels.get(request.person_id),
        from_agency=request.from_agency.name,
        from_user=_person_name(request.from_user),
        to_agency=request.to_agency.name,
        to_team=request.to_team,
        to_worker=request.to_worker,
        assignee=_person_name(request.assignee),
        assignee_id=request.assignee_id,
        priority=request.priority,
        priority_label=request.get_priority_display(),
        status=request.status,
        status_label=request.get_status_display(),
        sent_at=request.sent_at,
        due_at=request.due_at,
        answered_at=request.answered_at,
        overdue=overdue,
        due_soon=request.is_open
        and not overdue
        and request.due_at is not None
        and request.due_at <= now + DUE_SOON,
        escalated=request.escalated_at is not None,
        sent_by_viewer_agency=request.from_agency_id == scope.agency_id,
    )


def _lines(scope: Scope, requests) -> list[RequestLine]:
    requests = list(requests.select_related("from_agency", "to_agency", "from_user", "assignee"))
    labels = _labels(scope, {r.person_id for r in requests})
    now = timezone.now()
    return [_line(scope, r, labels, now) for r in requests]


SENT_FILTERS = {"mine": "Sent by you", "agency": "Sent by anyone in your agency"}


def requests_sent(scope: Scope, *, show: str = "mine", include_answered: bool = True) -> list[RequestLine]:
    """Requests the viewer sent (or, with show="agency", that anyone in their agency sent), newest first."""
    found = Request.objects.filter(from_agency_id=scope.agency_id)
    if show != "agency":
        found = found.filter(from_user_id=scope.user_id)
    if not include_answered:
        found = found.filter(status__in=Request.OPEN)
    return _lines(scope, found.order_by("-sent_at", "-pk"))


INBOX_FILTERS = {
    "team": "For your team",
    "mine": "Assigned to you",
    "agency": "For anyone in your agency",
}


@dataclass(frozen=True)
class Inbox:
    show: str
    team: str
    open: list[RequestLine]
    answered: list[RequestLine]


def inbox(scope: Scope, *, team: str, show: str = "team", answered_days: int = 30) -> Inbox:
    """Requests sent to the viewer's agency: open ones (overdue and most urgent first), and those answered in
    the last `answered_days`. show: "team" (addressed to `team`, or to no team), "mine" (assigned to the
    viewer) or "agency" (everything sent to the agency)."""
    if show not in INBOX_FILTERS or (show == "team" and not team.strip()):
        show = "agency" if show != "mine" else show
    found = Request.objects.filter(to_agency_id=scope.agency_id)
    if show == "team":
        found = found.filter(Q(to_team__iexact=team.strip()) | Q(to_team=""))
    elif show == "mine":
        found = found.filter(assignee_id=scope.user_id)
    since = timezone.now() - timedelta(days=answered_days)
    # Those assigned to the viewer first: a referral routed to its allocated worker is theirs to see first.
    mine_first = Case(When(assignee_id=scope.user_id, then=0), default=1)
    open_lines = _lines(scope, found.filter(status__in=Request.OPEN).order_by(mine_first, "due_at", "pk"))
    answered = _lines(
        scope, found.exclude(status__in=Request.OPEN).filter(answered_at__gte=since).order_by("-answered_at")
    )
    return Inbox(show=show, team=team, open=open_lines, answered=answered)


@dataclass(frozen=True)
class EventLine:
    at: datetime
    kind: str
    kind_label: str
    who: str
    agency: str
    note: str


@dataclass(frozen=True)
class RequestDetail:
    line: RequestLine
    side: str  # "sent" or "received": which end the viewer's agency is
    question: str
    purpose_code: str
    purpose_label: str
    purpose_reference: str
    involvement: InvolvementLine | None
    reply: str
    decline_reason: str
    answered_by: str
    events: list[EventLine] = field(default_factory=list)
    # For the receiving agency, while it is open: whom it may be assigned to.
    colleagues: list[tuple[int, str]] = field(default_factory=list)

    @property
    def can_answer(self) -> bool:
        return self.side == "received" and self.line.status in Request.OPEN

    @property
    def can_acknowledge(self) -> bool:
        return self.side == "received" and self.line.status == Request.Status.SENT


def request_detail(scope: Scope, request_id: int) -> RequestDetail:
    """A request as either agency sees it, with its history; refused for anyone else."""
    request = (
        Request.objects.filter(pk=request_id)
        .select_related("from_agency", "to_agency", "from_user", "assignee", "answered_by")
        .first()
    )
    if request is None:
        raise RequestNotFound(request_id)
    if scope.agency_id not in (request.from_agency_id, request.to_agency_id):
        raise PermissionDenied("Only the two agencies a request is between can see it.")
    labels = _labels(scope, [request.person_id])
    involvement = None
    if request.involvement_id is not None:
        found = (
            Involvement.objects.filter(pk=request.involvement_id, removed_at__isnull=True)
            .select_related("source__agency")
            .first()
        )
        involvement = line(scope, found) if found is not None else None
    side = "received" if request.to_agency_id == scope.agency_id else "sent"
    events = [
        EventLine(
            at=event.at,
            kind=event.kind,
            kind_label=event.get_kind_display(),
            who=_person_name(event.user) if event.user_id else "MAST",
            agency=event.agency.name if event.agency_id else "",
            note=event.note,
        )
        for event in request.events.select_related("user", "agency").order_by("at", "pk")
    ]
    colleagues = []
    if side == "received" and request.is_open:
        colleagues = [
            (u.pk, f"{_person_name(u)}{f' ({u.team})' if u.team else ''}")
            for u in User.objects.filter(
                agency_id=scope.agency_id, is_active=True, role=Role.PRACTITIONER
            ).order_by("first_name", "last_name", "username")
        ]
    purpose = Purpose.objects.filter(code=request.purpose_code).first()
    return RequestDetail(
        line=_line(scope, request, labels, timezone.now()),
        side=side,
        question=request.question,
        purpose_code=request.purpose_code,
        purpose_label=purpose.label if purpose else request.purpose_code,
        purpose_reference=request.purpose_reference,
        involvement=involvement,
        reply=request.reply,
        decline_reason=request.decline_reason,
        answered_by=_person_name(request.answered_by),
        events=events,
        colleagues=colleagues,
    )


# -- the dashboard -------------------------------------------------------------------------------------------


@dataclass
class Counts:
    """How one team or agency is doing with the requests sent to it."""

    agency: str
    team: str = ""
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    replied: int = 0
    reply_times: list[float] = field(default_factory=list, repr=False)

    @property
    def median_reply(self) -> timedelta | None:
        return timedelta(seconds=statistics.median(self.reply_times)) if self.reply_times else None

    @property
    def median_reply_text(self) -> str:
        return duration_text(self.median_reply)


def duration_text(span: timedelta | None) -> str:
    """A time to reply as people say it: "45 minutes", "5 hours", "2 days 3 hours"."""
    if span is None:
        return ""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days, hours = divmod(hours, 24)
    return f"{days} days" + (f" {hours} hour{'s' if hours != 1 else ''}" if hours else "")


@dataclass(frozen=True)
class Dashboard:
    agency: str  # whose teams are shown; "" for every agency's
    teams: list[Counts]
    agencies: list[Counts]
    median_days: int
    due_soon_hours: int


NO_TEAM = "No team named (the agency's front door)"


def dashboard(*, agency_id: int | None = None, now: datetime | None = None) -> Dashboard:
    """Open, due soon and overdue requests, and the median time to reply over the last MEDIAN_DAYS, for each
    agency and for each team of `agency_id` (every agency's teams when None). Counts only: no person."""
    now = now or timezone.now()
    names = dict(Agency.objects.values_list("pk", "name"))
    by_agency: dict[int, Counts] = {}
    by_team: dict[tuple[int, str], Counts] = {}

    def rows(agency: int, team: str) -> list[Counts]:
        agency_row = by_agency.setdefault(agency, Counts(agency=names.get(agency, "")))
        if agency_id is not None and agency != agency_id:
            return [agency_row]
        key = (agency, team.strip().casefold())
        team_row = by_team.setdefault(key, Counts(agency=names.get(agency, ""), team=team.strip() or NO_TEAM))
        return [agency_row, team_row]

    for agency, team, due_at in Request.objects.filter(status__in=Request.OPEN).values_list(
        "to_agency_id", "to_team", "due_at"
    ):
        for row in rows(agency, team):
            row.open += 1
            if due_at is not None and due_at <= now:
                row.overdue += 1
            elif due_at is not None and due_at <= now + DUE_SOON:
                row.due_soon += 1
    for agency, team, sent_at, answered_at in Request.objects.filter(
        status=Request.Status.REPLIED, answered_at__gte=now - timedelta(days=MEDIAN_DAYS)
    ).values_list("to_agency_id", "to_team", "sent_at", "answered_at"):
        for row in rows(agency, team):
            row.replied += 1
            row.reply_times.append((answered_at - sent_at).total_seconds())
    return Dashboard(
        agency=names.get(agency_id, "") if agency_id is not None else "",
        teams=sorted(by_team.values(), key=lambda c: (c.agency, c.team == NO_TEAM, c.team.casefold())),
        agencies=sorted(by_agency.values(), key=lambda c: c.agency),
        median_days=MEDIAN_DAYS,
        due_soon_hours=int(DUE_SOON.total_seconds() // 3600),
    )
