"""The audit log, as an IG officer reads it: filter, page through, and see who looked at what and why, in
names and plain words; download what the filters select.

Reading the log is itself audited, through the gate, like any other read of personal data.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mast.audit.reports import EventFilter, events
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.oversight import words
from mast.oversight.exports import audit_csv as audit_rows_csv
from mast.web.forms.audit import AuditFilterForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


def _filters_of(form: AuditFilterForm) -> tuple[EventFilter, dict]:
    """The filters, and what they were in words for the reading's own audit event."""
    if not (form.is_bound and form.is_valid()):
        return EventFilter(), {}
    cleaned = {k: (str(v) if k == "person" and v else v) for k, v in form.cleaned_data.items()}
    return EventFilter(**cleaned), {k: str(v) for k, v in cleaned.items() if v}


@requires(Action.VIEW_AUDIT_LOG)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters, said = _filters_of(form)

    def read(scope):
        page = Paginator(events(filters), 50).get_page(request.GET.get("page"))
        page.object_list = words.lines(page.object_list)
        return page

    page = through_gate(viewer_of(request), Action.VIEW_AUDIT_LOG, read, target="audit-log", detail=said)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "web/audit/index.html", context)


@requires(Action.EXPORT_AUDIT_LOG)
@require_GET
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The log as filtered, every event, as CSV: audited as it is granted, then streamed."""
    filters, said = _filters_of(AuditFilterForm(request.GET or None))
    found = through_gate(
        viewer_of(request),
        Action.EXPORT_AUDIT_LOG,
        lambda scope: events(filters),
        target="audit-log",
        detail=said,
    )
    response = StreamingHttpResponse(
        audit_rows_csv(found.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mast-audit-log.csv"'
    return response
