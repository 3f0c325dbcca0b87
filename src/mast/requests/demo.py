"""The demo's requests: some in every state (sent, acknowledged, replied, declined, overdue and escalated,
and a referral) between the demo practitioners, about people in the loaded region.

Written as if sent over the last few days: each request's times (sent, due, acknowledged, answered) and its
history are set directly, then `chase` marks what is past due as overdue and escalates it, as the background
task would have. Each request has a reference (DEMO-REQ-n) and is made once, so the demo can run again.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mast.access.models import Role, Team, User
from mast.feeds.models import Involvement
from mast.governance.services import request_times
from mast.requests import due
from mast.requests.chasing import chase
from mast.requests.models import Request, RequestEvent


@dataclass(frozen=True)
class DemoRequest:
    reference: str
    sender: str  # demo usernames
    receiver: str  # asked: their agency, and their team's open cases
    priority: str
    hours_ago: float
    question: str
    about_case: bool = True
    kind: str = Request.Kind.INFORMATION
    acknowledged_after: float | None = None  # hours after sending
    replied_after: float | None = None
    declined_after: float | None = None
    answer: str = ""


# Everything here is invented; the people are from the synthetic region.
DEMO_REQUESTS = (
    DemoRequest(
        "DEMO-REQ-1",
        "police.officer",
        "mash.worker",
        "amber",
        2,
        "We attended a noise complaint at the family home last night. Is there a current plan, and is there "
        "anything officers should know before a follow-up visit?",
    ),
    DemoRequest(
        "DEMO-REQ-2",
        "police.officer",
        "mash.worker",
        "green",
        20,
        "Is this young person known to children's services? A missing-from-home report has come in.",
        about_case=False,
        acknowledged_after=1.5,
    ),
    DemoRequest(
        "DEMO-REQ-3",
        "health.lead",
        "mash.worker",
        "green",
        74,
        "The health visitor has missed two appointments. Who is the lead professional, and is there a "
        "core group we should join?",
        replied_after=6,
        answer="Open to Family Support under a child in need plan. The allocated worker will invite the "
        "health visitor to the next core group; please send the missed-appointment dates to the team inbox.",
    ),
    DemoRequest(
        "DEMO-REQ-4",
        "police.officer",
        "mash.worker",
        "amber",
        50,
        "Can you share the school the child attends and any concerns recorded about attendance?",
        declined_after=4,
        answer="We cannot share education details under this agreement. Please ask the Schools Safeguarding "
        "Service, who hold attendance records.",
    ),
    DemoRequest(
        "DEMO-REQ-5",
        "police.officer",
        "mash.worker",
        "red",
        30,
        "Urgent: a domestic incident at the address this morning; the children were present. Is there a "
        "safety plan in place?",
    ),
    DemoRequest(
        "DEMO-REQ-6",
        "police.officer",
        "mash.worker",
        "red",
        1,
        "Referral: the child disclosed to an officer today that they are afraid to go home. Please contact "
        "the MASH police desk.",
        kind=Request.Kind.REFERRAL,
    ),
    DemoRequest(
        "DEMO-REQ-7",
        "mash.worker",
        "police.officer",
        "amber",
        5,
        "Have police attended this address in the last three months? We are completing a child and family "
        "assessment.",
    ),
)


def _team_cases(user: User) -> list[Involvement]:
    """Open, unrestricted cases of the user's agency, their team's first, one per person, in a fixed order."""
    cases = (
        Involvement.objects.filter(
            source__agency_id=user.agency_id,
            status=Involvement.Status.OPEN,
            restricted=False,
            removed_at__isnull=True,
            partner_record__link__isnull=False,
        )
        .select_related("partner_record__link")
        .order_by("pk")
    )
    mine = [c for c in cases if user.team and c.team.casefold() == user.team.casefold()]
    seen, chosen = set(), []
    for case in [*mine, *cases]:
        person_id = case.partner_record.link.person_id
        if person_id not in seen:
            seen.add(person_id)
            chosen.append(case)
    return chosen


def _manage_own_teams(users: dict[str, User]) -> None:
    """Each demo practitioner manages their own team, so overdue requests have someone to escalate to."""
    for user in users.values():
        if user.team:
            Team.objects.update_or_create(
                agency_id=user.agency_id, name=user.team, defaults={"manager": user, "email": ""}
            )


@transaction.atomic
def ensure_demo_requests() -> int:
    """The demo's requests, made once each; returns how many demo requests there are."""
    names = {spec.sender for spec in DEMO_REQUESTS} | {spec.receiver for spec in DEMO_REQUESTS}
    users = {u.username: u for u in User.objects.filter(username__in=names, role=Role.PRACTITIONER)}
    if set(users) != names:
        return 0
    _manage_own_teams(users)
    now = timezone.now()
    cases: dict[str, list[Involvement]] = {}
    for number, spec in enumerate(DEMO_REQUESTS):
        if Request.objects.filter(purpose_reference=spec.reference).exists():
            continue
        sender, receiver = users[spec.sender], users[spec.receiver]
        available = cases.setdefault(receiver.username, _team_cases(receiver))
        if not available:
            continue
        case = available[number % len(available)]
        sent_at = now - timedelta(hours=spec.hours_ago)
        request = Request.objects.create(
            kind=spec.kind,
            person_id=case.partner_record.link.person_id,
            involvement=case if spec.about_case or spec.kind == Request.Kind.REFERRAL else None,
            from_user=sender,
            from_agency_id=sender.agency_id,
            to_agency_id=receiver.agency_id,
            to_team=case.team if spec.about_case else "",
            to_worker=case.lead_practitioner if spec.about_case else "",
            to_email=case.contact_email if spec.about_case else "",
            purpose_code="mash_triage",
            purpose_reference=spec.reference,
            question=spec.question,
            priority=spec.priority,
            sent_at=sent_at,
            due_at=due.due_at(sent_at, spec.priority, request_times(timezone.localdate(sent_at))),
        )
        events = [(RequestEvent.Kind.SENT, sender, sent_at, "")]
        if spec.acknowledged_after is not None:
            at = sent_at + timedelta(hours=spec.acknowledged_after)
            request.status, request.acknowledged_at, request.assignee = "acknowledged", at, receiver
            events += [
                (RequestEvent.Kind.ACKNOWLEDGED, receiver, at, ""),
                (RequestEvent.Kind.ASSIGNED, receiver, at, f"Assigned to {receiver.get_full_name()}"),
            ]
        for after, status, kind in (
            (spec.replied_after, Request.Status.REPLIED, RequestEvent.Kind.REPLIED),
            (spec.declined_after, Request.Status.DECLINED, RequestEvent.Kind.DECLINED),
        ):
            if after is not None:
                at = sent_at + timedelta(hours=after)
                request.status, request.answered_at, request.answered_by = status, at, receiver
                request.assignee = receiver
                if status == Request.Status.REPLIED:
                    request.reply = spec.answer
                else:
                    request.decline_reason = spec.answer
                events.append((kind, receiver, at, spec.answer))
        request.save()
        RequestEvent.objects.bulk_create(
            RequestEvent(request=request, kind=kind, user=user, agency_id=user.agency_id, at=at, note=note)
            for kind, user, at, note in events
        )
    chase(now)
    return Request.objects.filter(purpose_reference__startswith="DEMO-REQ-").count()
