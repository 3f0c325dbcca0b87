"""The partnership's dashboard: people known to several agencies, new involvements and the front door;
requests, referrals and alerts; data quality per feed; whether MAST's use falls fairly — and any of its
tables as a CSV.

Aggregates only, after disclosure control (mast.analytics). Each page and each download still goes through
the gate, so it is refused to anyone the policy does not name and audited with the filters that were asked
for (never a person: there is none to name).
"""

from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from mast.analytics import dashboard, report
from mast.analytics.tables import HIDDEN_MEANING
from mast.gate.gate import through_gate
from mast.gate.policy import Action
from mast.web.forms.analytics import FiltersForm
from mast.web.permissions import requires
from mast.web.viewer import viewer_of


def _form(request: HttpRequest) -> FiltersForm:
    choices = dashboard.choices()
    return FiltersForm(
        request.GET or None, areas=choices["district"], age_bands=choices["age_band"], sexes=choices["sex"]
    )


def _page(request: HttpRequest, name: str) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    shown = through_gate(
        viewer_of(request),
        Action.VIEW_ANALYTICS,
        lambda scope: dashboard.section(name, filters),
        target=f"analytics:{name}",
        detail={"filters": filters.described()},
    )
    context = {
        **shown,
        "form": form,
        "section": name,
        "sections": dashboard.SECTIONS,
        "title": dashboard.SECTIONS[name],
        "query": form.query(),
        "hidden_meaning": HIDDEN_MEANING.format(below=settings.MAST_SUPPRESS_BELOW - 1),
        "threshold": settings.MAST_SUPPRESS_BELOW,
    }
    return render(request, "web/analytics/section.html", context)


@requires(Action.VIEW_ANALYTICS)
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    return _page(request, "people")


@requires(Action.VIEW_ANALYTICS)
@require_GET
def demand(request: HttpRequest) -> HttpResponse:
    return _page(request, "demand")


@requires(Action.VIEW_ANALYTICS)
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    return _page(request, "quality")


@requires(Action.VIEW_ANALYTICS)
@require_GET
def use(request: HttpRequest) -> HttpResponse:
    return _page(request, "fairness")


@requires(Action.EXPORT_ANALYTICS)
@require_GET
def table_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in dashboard.table_keys():
        raise Http404("There is no such table.")
    filters = _form(request).filters()
    shown = through_gate(
        viewer_of(request),
        Action.EXPORT_ANALYTICS,
        lambda scope: dashboard.one_table(key, filters),
        target=f"analytics-csv:{key}",
        detail={"filters": filters.described()},
    )
    if shown is None:
        raise Http404("These figures have not been worked out yet.")
    response = HttpResponse(shown.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mast-{key}.csv"'
    return response


def _report_month(text: str, months: list):
    """The month a report link or the form names, if it is one of the months MAST holds figures for."""
    try:
        month = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None
    return month if month in months else None


@requires(Action.VIEW_ANALYTICS)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    """The board's monthly reports the worker has made, and any month's made now (the form on this page sends
    its month here, and is sent on to that month's PDF)."""
    form = _form(request)
    latest = report.last_month()
    asked = request.GET.get("month")
    if asked:
        month = _report_month(asked, [m for m in form.months if m <= latest])
        if month is not None:
            return redirect(reverse("web:analytics-report", args=[f"{month:%Y-%m}"]) + "?now=1")
    kept = through_gate(
        viewer_of(request),
        Action.VIEW_ANALYTICS,
        lambda scope: report.stored(),
        target="analytics:reports",
    )
    context = {
        "reports": kept,
        "month_error": "Choose a month from the list" if asked else "",
        "months": [(m.strftime("%Y-%m"), m.strftime("%B %Y")) for m in reversed(form.months) if m <= latest],
        "section": "reports",
        "sections": dashboard.SECTIONS,
        "title": "Monthly reports for the partnership board",
    }
    return render(request, "web/analytics/reports.html", context)


@requires(Action.EXPORT_ANALYTICS)
@require_GET
def report_pdf(request: HttpRequest, month: str) -> HttpResponse:
    """A kept report as the worker made it; with ?now=1 (or none kept), the month's report made from today's
    figures."""
    wanted = _report_month(month, _form(request).months)
    if wanted is None:
        raise Http404("MAST has no figures for that month.")
    kept = report.path_for(wanted)
    make_now = request.GET.get("now") == "1" or not kept.exists()

    def read(scope):
        return report.pdf(wanted) if make_now else kept.read_bytes()

    pdf = through_gate(
        viewer_of(request),
        Action.EXPORT_ANALYTICS,
        read,
        target=f"analytics-report:{wanted:%Y-%m}",
        detail={"made_now": make_now},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{kept.name}"'
    return response
