"""The data-flow diagram, drawn on the server as SVG from the facts: each partner feed on the left, MAST in
the middle, the partners whose practitioners use it on the right. Every piece of text is escaped."""

from xml.sax.saxutils import escape

from mast.igpack.facts import Facts

ROW = 56
BOX_W = 300


def _fit(name: str, most: int = 34) -> str:
    """A name short enough for its box, cut at a word with an ellipsis rather than running over the edge."""
    if len(name) <= most:
        return name
    return name[:most].rsplit(" ", 1)[0] + "…"


def _box(x: int, y: int, w: int, h: int, title: str, note: str = "", fill: str = "#f3f2f1") -> str:
    text = f'<text x="{x + 10}" y="{y + 22}" font-size="14" font-weight="bold">{escape(_fit(title))}</text>'
    if note:
        text += f'<text x="{x + 10}" y="{y + 40}" font-size="12">{escape(note)}</text>'
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="#0b0c0c"/>{text}'


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#0b0c0c" stroke-width="2" '
        'marker-end="url(#arrow)"/>'
    )


def data_flow_svg(facts: Facts) -> str:
    feeds = facts.feeds
    users = [p for p in facts.partners if p.role != "Hosts MAST for the partnership"]
    rows = max(len(feeds), len(users), 3)
    height = rows * ROW + 80
    mast_x, mast_y, mast_h = 420, 40, rows * ROW - 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="{height}" viewBox="0 0 1080 {height}" '
        'role="img" aria-labelledby="flow-title flow-desc" font-family="Arial, sans-serif">',
        '<title id="flow-title">How data flows through MAST</title>',
        f'<desc id="flow-desc">{len(feeds)} partner feeds send headline data to MAST, which matches it and '
        f"shows it to practitioners of {len(users)} partners, auditing every search and view.</desc>",
        '<defs><marker id="arrow" markerWidth="10" markerHeight="10" refX="9" refY="3" orient="auto">'
        '<path d="M0,0 L9,3 L0,6 z" fill="#0b0c0c"/></marker></defs>',
        '<text x="10" y="24" font-size="16" font-weight="bold">Partner feeds</text>',
        '<text x="780" y="24" font-size="16" font-weight="bold">Practitioners of</text>',
        _box(mast_x, mast_y, 240, mast_h, "MAST", "", "#d2e2f1"),
    ]
    notes = [
        "match records",
        "one access gate",
        "audit every look",
        f"keep {facts.agreement.retention_months} months",
    ]
    for i, note in enumerate(notes):
        parts.append(
            f'<text x="{mast_x + 10}" y="{mast_y + 64 + 22 * i}" font-size="13">{escape(note)}</text>'
        )
    for i, feed in enumerate(feeds):
        y = 40 + i * ROW
        parts.append(_box(10, y, BOX_W, ROW - 16, feed.agency, f"{len(feed.sends)} fields"))
        parts.append(_arrow(10 + BOX_W, y + 20, mast_x, mast_y + 20 + i * ROW * 0.6))
    for i, partner in enumerate(users):
        y = 40 + i * ROW
        parts.append(_box(770, y, BOX_W, ROW - 16, partner.name))
        parts.append(_arrow(mast_x + 240, mast_y + 20 + i * ROW * 0.6, 770, y + 20))
    parts.append("</svg>")
    return "".join(parts)
