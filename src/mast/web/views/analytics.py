"""The partnership's dashboard: people known to several agencies, new involvements and the front door;
requests, referrals and alerts; data quality per feed; whether MAST's use falls fairly — and any of its
tables as a CSV.

Aggregates only, after disclosure control (mast.analytics). Each page and each download still goes through
the gate, so it is refused to anyone the policy does not name and audited with the filters that were asked
for (never a person: there is none to name).
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mast.analytics import dashboard
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
