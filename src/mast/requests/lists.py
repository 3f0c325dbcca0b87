"""The read side of requests: the sent list, the team inbox and one request with its history, each as the
viewer's agency may see it (the gate's `Scope`): only the two agencies a request is between see it."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, When
from django.utils import timezone

from mast.access.models import Role, User
from mast.feeds.models import Involvement, PartnerRecord
from mast.gate.gate import Scope
from mast.governance.models import Purpose
from mast.identity.models import MERGE_CHAIN_LIMIT, Person
from mast.people.redaction import InvolvementLine, line
from mast.requests.actions import RequestNotFound
from mast.requests.models import Request
from mast.requests.routing import person_name

# "Due soon": open, not yet overdue, and due within this time.
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class PersonLabel:
    public_id: uuid.UUID
    name: str
    date_of_birth: date | None
    # The viewer's own agency's references for this person, so a receiving team can find its record.
    own_references: tuple[str, ...] = ()


def _survivors(person_ids: set[int]) -> dict[int, int]:
    """Each person's id now: a person merged since the request was sent is followed to the one they became
    (Person.survivor's rule, for many people at once: one query per step of the chains)."""
    now = {pk: pk for pk in person_ids}
    pending = dict(
        Person.objects.filter(pk__in=person_ids, status=Person.Status.MERGED).values_list(
            "pk", "merged_into_id"
        )
    )
    for _ in range(MERGE_CHAIN_LIMIT):
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
        from_user=person_name(request.from_user),
        to_agency=request.to_agency.name,
        to_team=request.to_team,
        to_worker=request.to_worker,
        assignee=person_name(request.assignee),
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
            who=person_name(event.user) if event.user_id else "MAST",
            agency=event.agency.name if event.agency_id else "",
            note=event.note,
        )
        for event in request.events.select_related("user", "agency").order_by("at", "pk")
    ]
    colleagues = []
    if side == "received" and request.is_open:
        colleagues = [
            (u.pk, f"{person_name(u)}{f' ({u.team})' if u.team else ''}")
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
        answered_by=person_name(request.answered_by),
        events=events,
        colleagues=colleagues,
    )
