"""A document of the pack as PDF, drawn by WeasyPrint (ADR 0028) from a print page with its own small
stylesheet inline: nothing is fetched while drawing, so a PDF never waits on the web server it is made by."""


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
