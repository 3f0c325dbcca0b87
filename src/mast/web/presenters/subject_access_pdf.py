"""The subject-access pack as a PDF, drawn by WeasyPrint from an HTML template.

WeasyPrint is given no base URL and a fetcher that refuses every URL: the pack is made only from what the
template holds (its styles are inline), so nothing in a person's data can make the server fetch anything.
It needs Pango on the host (Debian: libpango-1.0-0 libpangoft2-1.0-0; README, "Test it").
"""

from django.template.loader import render_to_string


class NoFetching(ValueError):
    pass


def _refuse(url: str, *args, **kwargs):
    raise NoFetching("The subject-access pack loads nothing from outside itself.")


def render_pdf(pack) -> bytes:
    # Imported here, not at the top: a host without Pango still serves every other page, and says why here.
    from weasyprint import HTML

    looks = list(pack.looks)
    html = render_to_string("web/oversight/subject_access_pdf.html", {"pack": pack, "looks": looks})
    return HTML(string=html, url_fetcher=_refuse).write_pdf()
