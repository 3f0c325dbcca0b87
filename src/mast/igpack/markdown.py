"""A document of the pack as Markdown, for a DPO to paste into the partnership's own templates."""

from mast.igpack.documents import Document


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def as_markdown(document: Document) -> str:
    lines = [f"# {document.title}", "", document.summary, ""]
    for section in document.sections:
        lines += [f"## {section.heading}", ""]
        lines += [p for paragraph in section.paragraphs if paragraph for p in (paragraph, "")]
        if section.bullets:
            lines += [f"- {_cell(item)}" for item in section.bullets] + [""]
        if section.table:
            lines.append("| " + " | ".join(_cell(h) for h in section.table.headers) + " |")
            lines.append("|" + "---|" * len(section.table.headers))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.table.rows]
            lines.append("")
    lines += ["---", "", f"*{document.source_line}*", ""]
    return "\n".join(lines)
