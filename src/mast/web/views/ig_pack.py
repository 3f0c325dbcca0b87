"""The IG pack: the sharing agreement, a DPIA, the Article 30 record and a privacy notice, generated from the
agreement in force and the running configuration (mast.igpack) — as pages, Markdown and PDF — and the
data-flow diagram as SVG."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from mast.gate.policy import Action
from mast.igpack import documents
from mast.igpack.diagram import data_flow_svg
from mast.igpack.facts import gather
from mast.igpack.markdown import as_markdown
from mast.igpack.pdf import html_to_pdf
from mast.web.permissions import requires


@requires(Action.VIEW_IG_PACK)
def index(request: HttpRequest) -> HttpResponse:
    facts = gather()
    docs = documents.all_documents(facts) if facts else []
    return render(request, "web/governance/pack.html", {"facts": facts, "documents": docs})


def _document(slug: str):
    facts = gather()
    document = documents.build(slug, facts) if facts else None
    if document is None:
        raise Http404("No such document, or no agreement is in force to generate it from.")
    return document


@requires(Action.VIEW_IG_PACK)
def document(request: HttpRequest, document: str) -> HttpResponse:
    return render(request, "web/governance/pack_document.html", {"document": _document(document)})


@requires(Action.VIEW_IG_PACK)
def download(request: HttpRequest, document: str) -> HttpResponse:
    shown = _document(document)
    if request.GET.get("format") == "pdf":
        html = render_to_string("web/governance/pack_print.html", {"document": shown})
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{shown.slug}.pdf"'
        return response
    response = HttpResponse(as_markdown(shown), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{shown.slug}.md"'
    return response


@requires(Action.VIEW_IG_PACK)
def data_flow(request: HttpRequest) -> HttpResponse:
    facts = gather()
    if facts is None:
        raise Http404("No agreement is in force to draw the data flows from.")
    return HttpResponse(data_flow_svg(facts), content_type="image/svg+xml")
