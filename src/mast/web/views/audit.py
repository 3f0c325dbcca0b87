"""The audit log, as an IG officer reads it: filter, page through, and see who looked at what and why.

Reading the log is itself audited, through the gate, like any other read of personal data.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mast.audit.reports import EventFilter, events
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.web.forms.audit import AuditFilterForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


@requires(Action.VIEW_AUDIT_LOG)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = EventFilter(**form.cleaned_data) if form.is_valid() else EventFilter()

    def read(scope):
        page = Paginator(events(filters), 50).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        return page

    page = through_gate(
        viewer_of(request),
        Action.VIEW_AUDIT_LOG,
        read,
        target="audit-log",
        detail={
            k: str(v)
            for k, v in (form.cleaned_data if form.is_bound and form.is_valid() else {}).items()
            if v
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "web/audit/index.html", context)
