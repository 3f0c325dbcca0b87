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

import math
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from mast.access.models import Role
from mast.canonical import CATEGORIES
from mast.feeds.models import PartnerRecord
from mast.identity import review_changes
from mast.identity.model import COMPARISON_TITLES
from mast.identity.models import IdentityEvent, MatchCandidate, MatchDecision, Person, PersonLink

REASON_MAX = 1000
DETAIL_MAX = 300  # IdentityEvent.detail
MINUS = "\u2212"
# The model's comparisons, as a reviewer reads them.
COMPARISON_LABELS = COMPARISON_TITLES
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


# -- showing a pair -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    left: str
    right: str
    # True when the two agree, False when they differ, None when either is blank (nothing to compare).
    agree: bool | None


@dataclass(frozen=True)
class ExplanationRow:
    label: str
    outcome: str
    weight: str
    positive: bool


@dataclass(frozen=True)
class SideBySide:
    left: PartnerRecord
    right: PartnerRecord
    rows: list[Row]
    explanation: list[ExplanationRow]
    total_weight: str
    probability: str


def full_name(record: PartnerRecord) -> str:
    return " ".join(p for p in (record.given_name, record.middle_names, record.family_name) if p)


def percent(probability: float) -> str:
    """A probability as a percentage, never rounded up to a certainty it does not have."""
    return f"{math.floor(probability * 1000) / 10:.1f}%"


def bits(weight: float) -> str:
    """A match weight in bits of evidence: "+7.2", "0.0", or "5.5" after a true minus sign (U+2212)."""
    rounded = round(weight or 0.0, 1)
    if rounded == 0:
        return "0.0"
    return f"+{rounded:.1f}" if rounded > 0 else f"{MINUS}{-rounded:.1f}"


def _norm(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def _compare(label: str, left: str, right: str, *, key=_norm) -> Row:
    left, right = left or "", right or ""
    return Row(label, left, right, key(left) == key(right) if left and right else None)


def _date_of_birth(record: PartnerRecord) -> str:
    if record.date_of_birth:
        return f"{record.date_of_birth.day} {record.date_of_birth:%B %Y}"
    if record.date_of_birth_raw:
        return f"{record.date_of_birth_raw} (partial or not a date)"
    return ""


def _birth_year(record: PartnerRecord) -> int | None:
    if record.date_of_birth:
        return record.date_of_birth.year
    years = re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", record.date_of_birth_raw or "")
    return int(years[0]) if len(years) == 1 else None


def _dob_agree(left: PartnerRecord, right: PartnerRecord) -> bool | None:
    """Full dates agree or differ; a partial date can only differ (a different year), never fully agree."""
    if left.date_of_birth and right.date_of_birth:
        return left.date_of_birth == right.date_of_birth
    left_year, right_year = _birth_year(left), _birth_year(right)
    if left_year and right_year and left_year != right_year:
        return False
    return None


def _nhs_number(record: PartnerRecord) -> str:
    number = record.nhs_number or ""
    if not number:
        return ""
    shown = f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 and number.isdigit() else number
    return shown if record.nhs_number_valid else f"{shown} (not valid)"


def _address(record: PartnerRecord) -> str:
    return ", ".join(
        p for p in (record.address_line_1, record.address_line_2, record.address_line_3, record.town) if p
    )


def _involvements(record: PartnerRecord) -> str:
    involvements = list(record.involvements.filter(removed_at__isnull=True).order_by("-start_date", "-pk"))
    if not involvements:
        return "None"
    latest = involvements[0]
    count = len(involvements)
    label = CATEGORIES.get(latest.category, latest.category)
    started: date = latest.start_date
    return f"{count} involvement{'s' if count != 1 else ''}; latest: {label}, {started.day} {started:%B %Y}"


def _source(record: PartnerRecord) -> str:
    source = record.source
    return source.name if source.name == source.agency.name else f"{source.name} ({source.agency.name})"


def side_by_side(candidate: MatchCandidate) -> SideBySide:
    """Both records of a candidate pair, field by field, and how much each field counted in the score."""
    left, right = candidate.record_a, candidate.record_b
    rows = [
        _compare("Given name", left.given_name, right.given_name),
        _compare("Middle names", left.middle_names, right.middle_names),
        _compare("Family name", left.family_name, right.family_name),
        _compare("Other names", left.other_names, right.other_names),
        Row(
            "Date of birth",
            _date_of_birth(left),
            _date_of_birth(right),
            _dob_agree(left, right),
        ),
        _compare("Sex", left.sex.capitalize(), right.sex.capitalize()),
        _compare("Address", _address(left), _address(right)),
        _compare("Postcode", left.postcode, right.postcode, key=lambda v: "".join(v.split()).upper()),
        _compare("UPRN", left.uprn, right.uprn, key=lambda v: v.strip().lstrip("0")),
        _compare("NHS number", _nhs_number(left), _nhs_number(right), key=lambda v: v.replace(" ", "")),
        Row("Partner", _source(left), _source(right), None),
        Row("Partner's reference", left.person_ref, right.person_ref, None),
        Row("Involvements", _involvements(left), _involvements(right), None),
    ]
    explanation = [
        ExplanationRow(
            label=COMPARISON_LABELS.get(item.get("comparison", ""), _humanise(item.get("comparison", ""))),
            outcome=str(item.get("outcome", "")),
            weight=bits(item.get("weight") or 0.0),
            positive=(item.get("weight") or 0.0) > 0,
        )
        for item in candidate.explanation or []
    ]
    return SideBySide(
        left=left,
        right=right,
        rows=rows,
        explanation=explanation,
        total_weight=bits(candidate.match_weight),
        probability=percent(candidate.match_probability),
    )


def _humanise(name: str) -> str:
    return name.replace("_", " ").capitalize() or "Other"


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
