"""Reviewing uncertain matches: the queue, a pair side by side with a decision, and unlinking a record.

The rules (who sees which pair, what a decision does) are in mast.identity.review; these views only read the
request, ask it, and show the answer.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mast.gate.gate import through_gate
from mast.gate.policy import Action, allows
from mast.identity import review, review_changes
from mast.identity.models import MatchCandidate, MatchDecision
from mast.web.forms.identity import REASON_ERRORS, DecisionForm, UnlinkForm
from mast.web.permissions import requires
from mast.web.presenters import review as pair_rows
from mast.web.viewer import viewer_of


@requires(Action.REVIEW_MATCH)
def queue(request: HttpRequest) -> HttpResponse:

    def read(scope):
        candidates = Paginator(review.review_queue(request.user), 25).get_page(request.GET.get("page"))
        rows = [
            {
                "candidate": c,
                "left": pair_rows.full_name(c.record_a),
                "right": pair_rows.full_name(c.record_b),
                "probability": pair_rows.percent(c.match_probability),
            }
            for c in candidates
        ]
        return candidates, rows

    candidates, rows = through_gate(
        viewer_of(request),
        Action.REVIEW_MATCH,
        read,
        target="review-queue",
        describe=lambda result: {"candidates": [row["candidate"].pk for row in result[1]]},
    )
    return render(request, "web/identity/queue.html", {"candidates": candidates, "rows": rows})


def _candidate_context(request: HttpRequest, candidate: MatchCandidate, form: DecisionForm) -> dict:
    return {
        "candidate": candidate,
        "table": pair_rows.side_by_side(candidate),
        "people": review.current_people(candidate),
        "can_unlink": allows(request.user, Action.UNLINK_RECORD),
        "decision": None
        if candidate.status == MatchCandidate.Status.OPEN
        else review.latest_decision(candidate),
        "form": form,
    }


# The queued re-run of matching for each decision this session made, to say when the change has been made.
TASKS_KEY = "mast_review_tasks"


@requires(Action.REVIEW_MATCH)
@require_http_methods(["GET", "POST"])
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair and the decision form; posted once, what the decision will change and a request to confirm;
    posted again with `confirm`, the decision saved and its application queued."""
    form = DecisionForm(request.POST if request.method == "POST" else None)
    confirmed = request.POST.get("confirm") == "yes"

    # One gate call per request: showing the pair, asking to confirm, or deciding it.
    def read(scope):
        pair = review.candidate_for(request.user, pk)
        if request.method == "POST" and form.is_valid():
            same = form.cleaned_data["same_person"] == "yes"
            if not confirmed and pair.status != MatchCandidate.Status.OPEN:
                form.add_error(
                    None, "This pair is no longer waiting for a decision: it was decided, or settled"
                )
            elif not confirmed:
                names = (pair_rows.full_name(pair.record_a), pair_rows.full_name(pair.record_b))
                change = review_changes.preview(pair, same, names)
                return {"candidate": pair, "form": form, "same": same, "change": change, "confirming": True}
            else:
                try:
                    return review.decide(pair, request.user, same, form.cleaned_data["reason"])
                except ValidationError as error:
                    form.add_error("reason" if error.code in REASON_ERRORS else None, error.messages[0])
            pair.refresh_from_db()
        return _candidate_context(request, pair, form)

    action = Action.DECIDE_MATCH if request.method == "POST" and confirmed else Action.REVIEW_MATCH
    outcome = through_gate(viewer_of(request), action, read, target=f"candidate:{pk}")
    if isinstance(outcome, MatchDecision):
        tasks = dict(request.session.get(TASKS_KEY) or {})
        tasks[str(outcome.pk)] = outcome.task_id
        request.session[TASKS_KEY] = dict(list(tasks.items())[-20:])
        return redirect("web:review-decision", outcome.pk)
    if outcome.get("confirming"):
        return render(request, "web/identity/confirm.html", outcome)
    return render(request, "web/identity/candidate.html", outcome)


@requires(Action.REVIEW_MATCH)
@require_http_methods(["GET"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision just made: on its way, or made, with the people it left; and a way to undo it."""
    task_id = (request.session.get(TASKS_KEY) or {}).get(str(pk))

    def read(scope):
        found = (
            MatchDecision.objects.select_related("record_a", "record_b", "decided_by").filter(pk=pk).first()
        )
        if found is None:
            raise Http404("This decision has been undone.")
        pair = MatchCandidate.objects.filter(
            record_a_id__in=(found.record_a_id, found.record_b_id),
            record_b_id__in=(found.record_a_id, found.record_b_id),
        ).first()
        if pair is not None:
            review.candidate_for(request.user, pair.pk)  # the same rule as the pair's page
        done = review_changes.progress(task_id, [found.record_a_id, found.record_b_id])
        return {
            "decision": found,
            "candidate": pair,
            "progress": done,
            "names": (pair_rows.full_name(found.record_a), pair_rows.full_name(found.record_b)),
        }

    context = through_gate(viewer_of(request), Action.REVIEW_MATCH, read, target=f"decision:{pk}")
    return render(request, "web/identity/decision.html", context)


@requires(Action.DECIDE_MATCH)
@require_http_methods(["POST"])
def undo(request: HttpRequest, pk: int) -> HttpResponse:

    def read(scope):
        found = MatchDecision.objects.filter(pk=pk).first()
        if found is None:
            raise Http404("This decision has already been undone.")
        pair = MatchCandidate.objects.filter(
            record_a_id__in=(found.record_a_id, found.record_b_id),
            record_b_id__in=(found.record_a_id, found.record_b_id),
        ).first()
        review_changes.undo(found, request.user)
        # Back to the pair while it waits for a decision again; once the re-run has settled it, the queue.
        return pair if pair and MatchCandidate.objects.get(pk=pair.pk).status == "open" else None

    pair = through_gate(viewer_of(request), Action.DECIDE_MATCH, read, target=f"decision:{pk}")
    messages.success(
        request,
        "Decision undone: the pair is waiting for a decision again, and MAST is re-running matching for its "
        "records as the model sees them.",
    )
    return redirect("web:review-candidate", pair.pk) if pair else redirect("web:review-queue")


@requires(Action.UNLINK_RECORD)
@require_http_methods(["GET", "POST"])
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    form = UnlinkForm(request.POST if request.method == "POST" else None)

    def read(scope):
        link = review.link_for_unlink(request.user, pk)
        if request.method == "POST" and form.is_valid():
            try:
                review.unlink(link, request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason" if error.code in REASON_ERRORS else None, error.messages[0])
            else:
                return None
        return {
            "link": link,
            "record": link.partner_record,
            "name": pair_rows.full_name(link.partner_record),
            "others": review.other_records(link),
            "form": form,
        }

    context = through_gate(viewer_of(request), Action.UNLINK_RECORD, read, target=f"person-link:{pk}")
    if context is None:
        messages.success(
            request,
            "Record unlinked: it is no longer part of that person. MAST is re-running matching for it in "
            "the background: it stays a person of its own, or joins another person the model finds for it.",
        )
        return redirect("web:review-queue")
    return render(request, "web/identity/unlink.html", context)
