"""The feed owner's pages: loads, the rows MAST refused, and an upload that is loaded in the background."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mast.feeds import guard, owners
from mast.feeds.lateness import late_sources_for
from mast.feeds.mapping import advice_for
from mast.feeds.services import recover_stopped_loads
from mast.feeds.undo import why_not as why_not_undo
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.ingest.intake import undo_load
from mast.ingest.queue import accept_upload
from mast.ingest.queue import apply_held as queue_held_load
from mast.web import uploads
from mast.web.forms.base import FieldError
from mast.web.forms.feeds import FeedUploadForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


def _sources_or_refuse(user):
    sources = owners.owned_sources(user)
    if not sources.exists():
        raise PermissionDenied("These pages are for the owners of a partner's feed.")
    return sources


def _upload_form(sources, data=None, files=None) -> FeedUploadForm:
    return FeedUploadForm(data, files, sources=sources, max_bytes=settings.MAST_MAX_UPLOAD_BYTES)


def _feeds_page(request: HttpRequest, sources, form: FeedUploadForm, status: int = 200) -> HttpResponse:
    loads = Paginator(owners.loads_for(request.user), 25).get_page(request.GET.get("page"))
    context = {
        "sources": sources,
        "form": form,
        "loads": loads,
        "late": late_sources_for(request.user),
        "advice": advice_for(sources),
    }
    return render(request, "web/feeds/index.html", context, status=status)


@requires(Action.VIEW_FEED_LOADS)
def index(request: HttpRequest) -> HttpResponse:
    sources = _sources_or_refuse(request.user)
    # A load whose process died still says "running" until someone looks: this is when it is marked failed.
    recover_stopped_loads()
    return _feeds_page(request, sources, _upload_form(sources))


@requires(Action.UPLOAD_FEED)
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    sources = _sources_or_refuse(request.user)
    form = _upload_form(sources, request.POST, request.FILES)
    if uploads.too_large(request):
        form.refuse_as_too_large()
        return _feeds_page(request, sources, form)
    if not form.is_valid():
        return _feeds_page(request, sources, form)
    source = owners.source_for(request.user, form.cleaned_data["source"])
    load = accept_upload(source, form.cleaned_data["file"], request.user)
    return redirect("web:feed-load", pk=load.pk)


@requires(Action.VIEW_REJECTED_ROWS)
def load_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Rejected rows are partners' records as sent: read through the gate, which audits the viewing.
    recover_stopped_loads()

    def read(scope):
        load = owners.load_for(request.user, pk)
        rejected = Paginator(load.rejected_rows.order_by("line_number"), 50).get_page(request.GET.get("page"))
        rejected.object_list = list(rejected.object_list)
        flagged = Paginator(load.flagged_rows.order_by("line_number"), 50).get_page(
            request.GET.get("flagged")
        )
        flagged.object_list = list(flagged.object_list)
        return load, rejected, flagged

    load, rejected, flagged = through_gate(
        viewer_of(request),
        Action.VIEW_REJECTED_ROWS,
        read,
        target=f"load:{pk}",
        describe=lambda result: {
            "rejected_rows_shown": len(result[1].object_list),
            "flagged_rows_shown": len(result[2].object_list),
        },
    )
    return _load_page(request, load, rejected, flagged)


def _load_page(request, load, rejected, flagged=None, confirm_error="", status: int = 200) -> HttpResponse:
    context = {
        "load": load,
        "progress": owners.progress(load),
        "rejected": rejected,
        "flagged": flagged,
        "cannot_apply": guard.can_apply(load) if load.status == load.Status.HELD else "",
        "can_undo": load.status == load.Status.LOADED and not why_not_undo(load),
        "confirm_error": confirm_error,
        "confirm_errors": [FieldError("confirm", confirm_error)] if confirm_error else [],
    }
    return render(request, "web/feeds/load.html", context, status=status)


@requires(Action.APPLY_HELD_LOAD)
@require_POST
def apply_held(request: HttpRequest, pk: int) -> HttpResponse:
    load = owners.load_for(request.user, pk)
    if guard.can_apply(load):
        # Applied already, or overtaken by a later file: the load page says which.
        return redirect("web:feed-load", pk=load.pk)
    if request.POST.get("confirm") != "yes":
        rejected = Paginator(load.rejected_rows.order_by("line_number"), 50).get_page(1)
        error = "Confirm that you have checked what this file will remove"
        return _load_page(request, load, rejected, confirm_error=error, status=400)
    guard.record_confirmation(load, request.user, request.META.get("REMOTE_ADDR") or None)
    queue_held_load(load, request.user)
    return redirect("web:feed-load", pk=load.pk)


@requires(Action.VIEW_FEED_LOADS)
def load_progress(request: HttpRequest, pk: int) -> JsonResponse:
    # What the load page's script polls while a load runs: its stage and row count, no partner's record, so
    # checking every few seconds does not fill the audit log (the page itself shows rejected rows, audited).
    load = owners.load_for(request.user, pk)
    state = owners.progress(load)
    return JsonResponse({"running": state.running, "summary": state.summary})


@requires(Action.EXPORT_REJECTED_ROWS)
def rejected_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    return _rows_csv(request, pk, "rejected", owners.rejected_rows_csv, lambda load: load.rows_rejected)


@requires(Action.EXPORT_REJECTED_ROWS)
def flagged_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    return _rows_csv(request, pk, "flagged", owners.flagged_rows_csv, lambda load: load.rows_flagged)


def _rows_csv(request: HttpRequest, pk: int, kind: str, rows_csv, count) -> StreamingHttpResponse:
    # The export is audited as it is granted; the rows then stream, so a million of them never sit in memory.
    load = through_gate(
        viewer_of(request),
        Action.EXPORT_REJECTED_ROWS,
        lambda scope: owners.load_for(request.user, pk),
        target=f"load:{pk}" if kind == "rejected" else f"load:{pk}:{kind}",
        describe=lambda load: {"rows": count(load)},
    )
    response = StreamingHttpResponse(rows_csv(load), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{kind}-rows-{load.source.code}-load-{load.pk}.csv"'
    )
    return response


@requires(Action.UNDO_LOAD)
@require_POST
def undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    load = owners.load_for(request.user, pk)
    if request.POST.get("confirm") == "yes" and not why_not_undo(load):
        undo_load(load, request.user, how="feed owner's page")
    return redirect("web:feed-load", pk=load.pk)
