"""People deciding what the model could not: the review queue, reviewers' decisions, and unlinking a record.

A pair the model scored between its thresholds (or one that would have joined two people who cannot be the
same) becomes a `MatchCandidate`. An information-governance officer sees every candidate; a feed owner sees
the candidates that touch a record from one of the feeds they own; nobody else sees any.

A decision is kept as a `MatchDecision` (never changed: the latest wins; withdrawn only by an undo, which
keeps its words in an event) and applied by re-resolving the two records in a background task
(`review_changes`), so "the same person" joins them and "not the same person" keeps them apart in every later
run, whatever the model says. Unlinking a record a run wrongly merged into a person is the same thing done by
hand: "not the same person" against every other record of that person.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from mast.access.models import Role
from mast.feeds.models import PartnerRecord
from mast.identity import review_changes
from mast.identity.models import IdentityEvent, MatchCandidate, MatchDecision, Person, PersonLink

REASON_MAX = 1000
DETAIL_MAX = 300  # IdentityEvent.detail
_RECORD_RELATED = ("record_a__source__agency", "record_b__source__agency")


# -- which pairs a reviewer sees ---------------------------------------------------------------------------
# Whether a role may review or unlink at all is the gate's policy (REVIEW_MATCH, DECIDE_MATCH, UNLINK_RECORD),
# checked before any of this runs; what is here is the data's own rule: a feed owner's feeds.


def _reviewable(user) -> QuerySet[MatchCandidate]:
    """Every candidate (whatever its status) this reviewer may see: all for an IG officer, those touching
    their own feeds' records for a feed owner."""
    candidates = MatchCandidate.objects.select_related(*_RECORD_RELATED)
    if user.role == Role.IG_OFFICER:
        return candidates
    owned = user.owned_sources.all()
    return candidates.filter(Q(record_a__source__in=owned) | Q(record_b__source__in=owned))


def review_queue(user) -> QuerySet[MatchCandidate]:
    """The open candidates this reviewer may decide, most likely matches first."""
    return (
        _reviewable(user)
        .filter(
            status=MatchCandidate.Status.OPEN,
            record_a__removed_at__isnull=True,
            record_b__removed_at__isnull=True,
        )
        .order_by("-match_probability", "pk")
    )


def candidate_for(user, pk: int) -> MatchCandidate:
    """The candidate, if this reviewer may see it: a candidate outside their feeds is refused, not hidden."""
    candidate = get_object_or_404(MatchCandidate.objects.select_related(*_RECORD_RELATED), pk=pk)
    if not _reviewable(user).filter(pk=candidate.pk).exists():
        raise PermissionDenied("You can review only the matches that involve your feeds' records.")
    return candidate


def link_for_unlink(user, pk: int) -> PersonLink:
    """The person link an IG officer is about to break (the gate's UNLINK_RECORD says who may)."""
    return get_object_or_404(
        PersonLink.objects.select_related("person", "partner_record__source__agency"), pk=pk
    )


# -- decisions ----------------------------------------------------------------------------------------------


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter why you decided this", code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Your reason must be {REASON_MAX:,} characters or fewer", code="max_length")
    return reason


def _detail(text: str) -> str:
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _person_of(record_id: int) -> Person | None:
    link = PersonLink.objects.select_related("person").filter(partner_record_id=record_id).first()
    return link.person if link else None


def decide(candidate: MatchCandidate, user, same_person: bool, reason: str) -> MatchDecision:
    """Record a reviewer's decision on a candidate pair and queue its application (re-running matching for
    the two records, `review_changes.rematch`); the decision's `task_id` says which task to ask after.

    Raises PermissionDenied if the user may not review this pair, ValidationError for a missing or overlong
    reason, or for a pair that is no longer waiting for a decision (someone else decided it first, or a later
    run settled it).
    """
    candidate_for(user, candidate.pk)
    reason = clean_reason(reason)
    with transaction.atomic():
        # Locked, so two reviewers deciding the same pair at once cannot both succeed.
        candidate = (
            MatchCandidate.objects.select_for_update(of=("self",))
            .select_related(*_RECORD_RELATED)
            .get(pk=candidate.pk)
        )
        if candidate.status != MatchCandidate.Status.OPEN:
            raise ValidationError(
                "This pair is no longer waiting for a decision: it was decided, or settled by a later run",
                code="closed",
            )
        if candidate.record_a.removed_at or candidate.record_b.removed_at:
            raise ValidationError(
                "One of these records is no longer in its partner's feed, so there is nothing to decide",
                code="removed",
            )
        a, b = sorted((candidate.record_a_id, candidate.record_b_id))
        decision = MatchDecision.objects.create(
            record_a_id=a, record_b_id=b, same_person=same_person, reason=reason, decided_by=user
        )
        candidate.status = MatchCandidate.Status.DECIDED
        candidate.save(update_fields=["status", "updated_at"])
        verdict = "Same person" if same_person else "Not the same person"
        person = _person_of(a) or _person_of(b)
        if person is None:
            # Records never matched yet have no person for the event to name: they are matched here (two
            # records, nothing else waits on them), and the task has nothing left to do.
            review_changes.rematch([a, b])
            person = _person_of(a) or _person_of(b)
        # Written now with the people as they are; the task fills in the people as the decision left them.
        event = IdentityEvent.objects.create(
            kind=IdentityEvent.Kind.DECIDED,
            person=person,
            partner_records=[a, b],
            detail=_detail(f"{verdict} ({candidate.record_a} and {candidate.record_b}): {reason}"),
            actor=user,
            model_version=candidate.model_version,
        )
        decision.task_id = review_changes.queue_rematch([a, b], event)
    return decision


def unlink(person_link: PersonLink, user, reason: str) -> Person:
    """Take a partner record away from a person it was wrongly merged into; returns its person now (one of
    its own), with `task_id`, the queued re-run of matching.

    Records "not the same person" between the record and every other record of its person, so no later run
    puts it back, then queues re-resolving them: the record stays a person of its own, or joins another
    person the model finds for it.
    """
    reason = clean_reason(reason)
    with transaction.atomic():
        link = (
            PersonLink.objects.select_for_update(of=("self",))
            .select_related("partner_record")
            .get(pk=person_link.pk)
        )
        record, old_person = link.partner_record, link.person
        if record.removed_at:
            raise ValidationError("This record is no longer in its partner's feed", code="removed")
        others = list(
            PersonLink.objects.filter(person=old_person, partner_record__removed_at__isnull=True)
            .exclude(pk=link.pk)
            .values_list("partner_record_id", flat=True)
        )
        if not others:
            raise ValidationError("This record is the only record of its person: there is nothing to unlink")
        MatchDecision.objects.bulk_create(
            MatchDecision(
                record_a_id=min(record.pk, other),
                record_b_id=max(record.pk, other),
                same_person=False,
                reason=reason,
                decided_by=user,
            )
            for other in others
        )
        # The record leaves for a person of its own before re-resolving, so that it is the record that moves
        # and the person keeps its other records (and its id) whichever way the clustering breaks ties.
        link.person = Person.objects.create()
        link.method, link.match_probability, link.explanation = PersonLink.Method.SINGLETON, None, []
        link.decided_by = user
        link.save(update_fields=["person", "method", "match_probability", "explanation", "decided_by"])
        event = IdentityEvent.objects.create(
            kind=IdentityEvent.Kind.UNLINKED,
            person=old_person,
            partner_records=[record.pk],
            detail=_detail(f"{record} unlinked: {reason}"),
            actor=user,
            model_version=link.model_version,
        )
        event.other_person = link.person
        event.save(update_fields=["other_person"])
        link.person.task_id = review_changes.queue_rematch([record.pk, *others], event)
    return link.person


def latest_decision(candidate: MatchCandidate) -> MatchDecision | None:
    a, b = sorted((candidate.record_a_id, candidate.record_b_id))
    return (
        MatchDecision.objects.filter(record_a_id=a, record_b_id=b)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )


# -- where a pair's records sit now -------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentPerson:
    """Where one record of a pair sits now: its link, and how many other records its person has."""

    record: PartnerRecord
    link: PersonLink | None
    other_records: int


def current_people(candidate: MatchCandidate) -> list[CurrentPerson]:
    links = {
        link.partner_record_id: link
        for link in PersonLink.objects.select_related("person").filter(
            partner_record_id__in=[candidate.record_a_id, candidate.record_b_id]
        )
    }
    result = []
    for record in (candidate.record_a, candidate.record_b):
        link = links.get(record.pk)
        others = (
            PersonLink.objects.filter(person_id=link.person_id, partner_record__removed_at__isnull=True)
            .exclude(pk=link.pk)
            .count()
            if link
            else 0
        )
        result.append(CurrentPerson(record, link, others))
    return result


def other_records(link: PersonLink) -> list[PartnerRecord]:
    """The other records of a link's person: what unlinking would separate the record from."""
    return list(
        PartnerRecord.objects.filter(link__person_id=link.person_id, removed_at__isnull=True)
        .exclude(pk=link.partner_record_id)
        .select_related("source__agency")
        .order_by("source__name", "person_ref")
    )
