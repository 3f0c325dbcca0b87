"""The audit log, as an IG officer reads it: filter, page through, and see who looked at what and why.

Reading the log is itself audited, through the gate, like any other read of personal data.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mast.audit.reports import EventFilter, events
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.web.forms.base import FieldError
from mast.web.permissions import requires
from mast.web.viewer import viewer_of

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": f"{label} must be a real date, like 24/11/2026"},
    )


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(label="What they did", required=False)
    purpose_reference = forms.CharField(label="Case or referral reference", required=False, max_length=100)
    since = _date_field("From")
    until = _date_field("To")
    refused_only = forms.BooleanField(label="Only refused attempts", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)
        self.fields["action"].choices = [
            ("", "Anything"),
            *((a, a.replace("_", " ")) for a in map(str, Action)),
        ]

    def error_summary(self) -> list[FieldError]:
        return [FieldError(name, self.errors[name][0]) for name in self.fields if name in self.errors]


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
