"""What a reviewer's decision or an unlinking changes: said before it is made, applied in the background,
and undone on request.

Re-running matching for the records a decision touches can take seconds at a million records, and a web
request is no place for it (nor for holding a lock while it runs). So `review.decide` and `review.unlink`
record what the reviewer said, and the records' event, in the request, and queue `tasks.rematch`; the worker
re-resolves the records and fills in the event with the people as the decision left them. Until it has, the
reviewer's page says the change is on its way; when it has, it links to the result.

A decision is undone by withdrawing it (the pair is open for review again, and the event says who withdrew
it and when), then re-running matching for its records, so the model's view returns. Nothing is deleted
without trace: the withdrawn decision's words are kept in the event's detail.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from mast.access.models import Role
from mast.identity.models import IdentityEvent, MatchCandidate, MatchDecision, Person, PersonLink
from mast.identity.resolution import resolve_records

DETAIL_MAX = 300  # IdentityEvent.detail


def _person_of(record_id: int) -> Person | None:
    link = PersonLink.objects.select_related("person").filter(partner_record_id=record_id).first()
    return link.person if link else None


# -- before: what will change ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """In words, what saving a decision on a pair will do to the people MAST shows."""

    sentences: tuple[str, ...]
    already: bool  # the people are already as the decision would have them


def preview(candidate: MatchCandidate, same_person: bool, names: tuple[str, str]) -> Change:
    a, b = _person_of(candidate.record_a_id), _person_of(candidate.record_b_id)
    together = a is not None and a == b
    counts = {
        p.pk: PersonLink.objects.filter(person=p, partner_record__removed_at__isnull=True).count()
        for p in (a, b)
        if p is not None
    }
    left, right = names
    if same_person and together:
        return Change(
            (f"{left} and {right} are already one person: nothing moves.", "Your decision is kept."), True
        )
    if same_person:
        records = sum(counts.values())
        return Change(
            (
                f"The person with {left}'s record ({counts.get(a.pk, 1) if a else 1} record"
                f"{'s' if a and counts.get(a.pk, 1) != 1 else ''}) and the person with {right}'s "
                f"({counts.get(b.pk, 1) if b else 1}) become one person with {records} records.",
                "Practitioners see one person, with both agencies' involvements, from then on.",
                "MAST will keep them together in every later matching run, whatever the model says.",
            ),
            False,
        )
    if together:
        return Change(
            (
                f"{right}'s record is taken out of the person it shares with {left}'s, and becomes a person "
                "of its own (or joins another person MAST finds for it).",
                "MAST will keep them apart in every later matching run, whatever the model says.",
            ),
            False,
        )
    return Change(
        (
            f"{left} and {right} stay different people: nothing moves.",
            "MAST will not suggest this pair again.",
        ),
        True,
    )


# -- applying: in the background --------------------------------------------------------------------------


def rematch(record_ids: list[int], event_id: int | None = None) -> list[int]:
    """Re-resolve these records (run by `tasks.rematch`), then fill in the event with their people now."""
    with transaction.atomic():
        resolve_records(record_ids)
        event = IdentityEvent.objects.filter(pk=event_id).first() if event_id else None
        if event is not None:
            first = _person_of(event.partner_records[0])
            if event.kind == IdentityEvent.Kind.UNLINKED:
                event.other_person = first
            elif len(event.partner_records) > 1:
                second = _person_of(event.partner_records[1])
                event.person = first or second or event.person
                event.other_person = second if first and second and first != second else None
            event.save(update_fields=["person", "other_person"])
    return sorted({p.pk for p in map(_person_of, record_ids) if p is not None})


@task()
def rematch_in_background(record_ids: list[int], event_id: int | None = None) -> list[int]:
    """`rematch`, run by the background worker (django-tasks) off the reviewer's request. Defined here,
    beside what queues it and asks after it, so that the task and its caller are one module, not a cycle."""
    return rematch(record_ids, event_id)


def queue_rematch(record_ids: list[int], event: IdentityEvent | None = None) -> str:
    """Queue `rematch` once the caller's transaction commits; the task result's id, to ask after it."""
    return rematch_in_background.enqueue(sorted(record_ids), event.pk if event else None).id


@dataclass(frozen=True)
class Progress:
    done: bool
    failed: bool
    people: tuple[Person, ...] = ()


def progress(result_id: str | None, record_ids: list[int]) -> Progress:
    """Whether the queued re-run has finished, and the records' people now."""
    status = None
    if result_id:
        try:
            status = rematch_in_background.get_result(result_id).status
        except (TaskResultDoesNotExist, NotImplementedError):
            status = None  # run and cleared away long since, or a backend that runs tasks as queued
    done = status in (None, TaskResultStatus.SUCCESSFUL)
    failed = status == TaskResultStatus.FAILED
    people = tuple({p.pk: p for p in map(_person_of, record_ids) if p is not None}.values()) if done else ()
    return Progress(done, failed, people)


# -- undoing -----------------------------------------------------------------------------------------------


def undo(decision: MatchDecision, user) -> str:
    """Withdraw a reviewer's decision (the reviewer who made it, or an IG officer): the pair is open for
    review again and its records are re-matched as the model sees them. Returns the queued task's id."""
    if decision.decided_by_id != user.pk and getattr(user, "role", "") != Role.IG_OFFICER:
        raise PermissionDenied("Only the reviewer who decided, or an IG officer, can undo a decision.")
    with transaction.atomic():
        decision = MatchDecision.objects.select_for_update().filter(pk=decision.pk).first()
        if decision is None:
            raise ValidationError("This decision has already been undone", code="undone")
        a, b = decision.record_a_id, decision.record_b_id
        verdict = "same person" if decision.same_person else "not the same person"
        person = _person_of(a) or _person_of(b)
        event = IdentityEvent.objects.create(
            kind=IdentityEvent.Kind.DECIDED,
            person=person,
            partner_records=[a, b],
            detail=f"Decision withdrawn ({verdict}, {decision.decided_at:%Y-%m-%d %H:%M}): {decision.reason}"[
                :DETAIL_MAX
            ],
            actor=user,
        )
        decision.delete()
        MatchCandidate.objects.filter(record_a_id__in=(a, b), record_b_id__in=(a, b)).update(
            status=MatchCandidate.Status.OPEN
        )
        return queue_rematch([a, b], event)
