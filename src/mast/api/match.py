"""'Is this person known?' asked by a partner's system (the MAIS Data Exchange `$match`), answered by MAST.

Each question is decided first (api/decision.py: PERMIT, DENY or REVIEW against the agreement in force) and
logged with the decision, the agreement version and the answer (`MatchQuery`, and the audit log). Only a
PERMIT looks at anyone, and through the access gate, as a practitioner's search does. The answer is:

- **known** — one person matches confidently (`CONFIDENT`, and no one else near): their involvements in
  the display window, open ones first, with type, start date and whom to contact;
- **possible** — several people, a weak match, a person with open "possibly also" pairs, or too broad a
  question: MAST will not guess; the caller
  is told to ask a practitioner (a wrong "known" would show one family's data to another);
- **not known** — no one above the search threshold.
"""

from dataclasses import dataclass

from django.utils import timezone

from mast.api import fhir
from mast.api.decision import Decision, decide
from mast.api.keys import KeyHolder
from mast.api.models import MatchQuery
from mast.audit import chain
from mast.gate.gate import Viewer, through_gate
from mast.gate.policy import Action
from mast.identity.models import Person
from mast.identity.search import find as identity_search
from mast.people.known import involvements_of
from mast.people.possible import possibly_also

# A match this strong, with the next person far below, is one person; anything less is for a practitioner.
CONFIDENT = 0.99
NEXT_BELOW = 0.5


@dataclass(frozen=True)
class StatedReason:
    """The caller's reason, as the gate records a practitioner's stated purpose."""

    reason: str
    reference: str


@dataclass(frozen=True)
class MatchAnswer:
    status_code: int
    decision: Decision
    query: MatchQuery
    parameters: dict | None = None  # the FHIR response, for PERMIT and REVIEW


def ask(holder: KeyHolder, request: fhir.MatchRequest, ip_address: str | None = None) -> MatchAnswer:
    decision = _decision(holder, request)
    query = MatchQuery.objects.create(
        api_key=holder.key,
        requesting_organisation=request.organisation,
        requesting_user=request.practitioner,
        reason=request.reason,
        purpose_code=decision.purpose_code,
        decision=decision.decision,
        decision_reason=decision.why[:300],
        agreement=decision.agreement,
    )
    common = {
        "api_key": holder.key.key_id,
        "decision": decision.decision,
        "agreement": decision.agreement,
        "requesting_organisation": request.organisation,
        "requesting_practitioner": request.practitioner,
        "reason": request.reason,
    }
    if decision.decision != "PERMIT":
        # Nothing about the person was looked at: the refusal or the wait is what is recorded.
        chain.append(
            user=holder,
            action=str(Action.API_MATCH),
            outcome="denied",
            target=f"api_query:{query.pk}",
            detail={**common, "refused": decision.why},
            purpose_code=decision.purpose_code,
            purpose_reference=request.organisation[:100],
            ip_address=ip_address,
        )
        if decision.decision == "DENY":
            return MatchAnswer(403, decision, query)
        return MatchAnswer(202, decision, query, fhir.response(_head(query, decision, "review")))

    def read(scope):
        found = identity_search.find_people(request.query)
        outcome, person = _outcome(found)
        # A person still "possibly also recorded as" someone else (twins, same-named relatives) is not yet
        # one person: a practitioner looks, rather than the API answering for half of them.
        if person is not None and possibly_also(scope, Person.objects.get(pk=person)):
            outcome, person = "possible", None
        lines = involvements_of(scope, person) if person is not None else []
        return outcome, lines

    viewer = Viewer(holder, StatedReason(decision.purpose_code, request.organisation[:100]), ip_address)
    outcome, lines = through_gate(
        viewer,
        Action.API_MATCH,
        read,
        target=f"api_query:{query.pk}",
        detail=common,
        describe=lambda result: {"outcome": result[0], "involvements": len(result[1])},
    )
    MatchQuery.objects.filter(pk=query.pk).update(outcome=outcome)
    query.outcome = outcome
    parameters = _head(query, decision, outcome)
    if outcome == "known":
        parameters.append({"name": "openCase", "valueBoolean": any(item.is_open for item in lines)})
        parameters += [fhir.involvement_parameter(item) for item in lines]
    return MatchAnswer(200, decision, query, fhir.response(parameters))


def _decision(holder: KeyHolder, request: fhir.MatchRequest) -> Decision:
    """The agreement's decision, or, for a question an IG officer has decided, theirs."""
    decision = decide(holder.agency, request.reason)
    if request.reviewed_query is None or decision.decision != "REVIEW":
        return decision
    reviewed = MatchQuery.objects.filter(
        pk=request.reviewed_query, api_key__source=holder.key.source, decision="REVIEW", reason=request.reason
    ).first()
    if reviewed is None or not reviewed.review_decision:
        return decision
    why = f"Decided by an information-governance officer on {reviewed.reviewed_at:%d %b %Y}."
    return Decision(reviewed.review_decision, why, decision.agreement, "reviewed_reason", "Reviewed reason")


def _outcome(found) -> tuple[str, int | None]:
    if found.too_broad:
        return "possible", None
    if not found.matches:
        return "not_known", None
    best = found.matches[0]
    runner_up = found.matches[1].score if len(found.matches) > 1 else 0.0
    if best.score >= CONFIDENT and runner_up < NEXT_BELOW:
        return "known", best.person_id
    return "possible", None


MESSAGES = {
    "known": "Known: see the involvements and whom to contact.",
    "not_known": "Not known to the partners who share data through MAST.",
    "possible": "Possible match: MAST cannot be sure who this is. Ask a practitioner to search MAST.",
    "review": "Held for an information-governance officer to decide. Ask again later, naming this queryId "
    "as reviewedQuery.",
}


def _head(query: MatchQuery, decision: Decision, outcome: str) -> list[dict]:
    return [
        {"name": "match", "valueBoolean": outcome == "known"},
        {"name": "outcome", "valueCode": outcome.replace("_", "-")},
        {"name": "decision", "valueCode": decision.decision},
        {"name": "agreement", "valueString": decision.agreement},
        {"name": "queryId", "valueString": str(query.pk)},
        {"name": "message", "valueString": MESSAGES[outcome]},
    ]


def review(query: MatchQuery, user, decision: str) -> None:
    """An IG officer's decision on a question held for review; the partner asks again to be answered."""
    if decision not in ("PERMIT", "DENY"):
        raise ValueError("PERMIT or DENY")
    MatchQuery.objects.filter(pk=query.pk).update(
        review_decision=decision, reviewed_by=user, reviewed_at=timezone.now()
    )
    chain.append(
        user=user,
        action="review_api_query",
        target=f"api_query:{query.pk}",
        detail={"decision": decision, "reason": query.reason},
        purpose_code="governance",
    )
