"""Charts drawn on the server as SVG, from a table after disclosure control, and the sentence that sums it up.

No script and no font is fetched (the page's CSP allows neither): the SVG is inline, in the page's own font.
Each series has its own colour from GOV.UK's palette and its own dash pattern, so the lines can be told apart
without colour; a hidden number is a gap in its line, never a guess. The table beside each chart has every
number the chart draws, for screen readers and for anyone who prefers numbers.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from mast.analytics.tables import Shown

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 16, 40
# Drawn with attributes as well as the page's classes: the board's PDF (WeasyPrint) styles SVG from its
# attributes only.
GRID = SafeString(' stroke="#b1b4b6" stroke-width="1"')
AXIS = SafeString(' fill="#0b0c0c" font-size="13"')
STYLES = (("#1d70b8", ""), ("#d4351c", "8 4"), ("#00703c", "2 3"), ("#4c2c92", "12 4 2 4"))


def _nice_top(value: int) -> int:
    top = 1
    while top < value:
        for step in (2, 2.5, 2):
            top = int(top * step)
            if top >= value:
                break
    return max(top, 1)


def line_chart(shown: Shown, title: str, columns: list[int] | None = None) -> SafeString:
    """One line per column of the table (or those chosen), across its rows (months)."""
    columns = columns if columns is not None else list(range(len(shown.table.columns)))
    values = [v for c in columns for v in shown.series(c) if v is not None]
    top = _nice_top(max(values, default=0))
    n = len(shown.lines)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / top

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="mast-chart__grid"{}/>'
        '<text x="{}" y="{}" class="mast-chart__axis" text-anchor="end"{}>{}</text>',
        (
            (
                LEFT,
                WIDTH - RIGHT,
                f"{y(v):.1f}",
                f"{y(v):.1f}",
                GRID,
                LEFT - 6,
                f"{y(v) + 4:.1f}",
                AXIS,
                f"{v:,}",
            )
            for v in (0, top // 2, top)
        ),
    )
    step = max(1, n // 6)
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="mast-chart__axis" text-anchor="middle"{}>{}</text>',
        ((f"{x(i):.1f}", HEIGHT - BOTTOM + 18, AXIS, shown.table.rows[i]) for i in range(0, n, step)),
    )
    lines = []
    for k, column in enumerate(columns):
        colour, dash = STYLES[k % len(STYLES)]
        for segment in _segments(shown.series(column)):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
            lines.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>',
                    points,
                    colour,
                    dash,
                )
            )
    return format_html(
        '<svg class="mast-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" focusable="false">'
        "{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        grid,
        labels,
        SafeString("".join(lines)),
    )


def legend(shown: Shown, columns: list[int] | None = None) -> list[dict]:
    columns = columns if columns is not None else list(range(len(shown.table.columns)))
    return [
        {
            "label": shown.table.columns[c],
            "colour": STYLES[k % len(STYLES)][0],
            "dash": STYLES[k % len(STYLES)][1],
        }
        for k, c in enumerate(columns)
    ]


def _segments(series: list[int | None]) -> list[list[tuple[int, int]]]:
    segments, current = [], []
    for i, v in enumerate(series):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((i, v))
    if current:
        segments.append(current)
    return [s if len(s) > 1 else [s[0], s[0]] for s in segments]


def summary(shown: Shown, column: int, what: str) -> str:
    """'In Oct 2026, 1,234 <what>: up 12% on Oct 2025.' — from shown numbers only."""
    series = shown.series(column)
    if not series:
        return ""
    last, label = series[-1], shown.table.rows[-1]
    if last is None:
        return f"In {label}, this number is hidden: it is small, or would let a small one be worked out."
    sentence = f"In {label}, {last:,} {what}"
    if len(series) > 12:
        before, before_label = series[-13], shown.table.rows[-13]
        if before:
            change = round(100 * (last - before) / before)
            trend = f"up {change}%" if change > 0 else f"down {-change}%" if change < 0 else "no change"
            return f"{sentence}: {trend} on {before_label} ({before:,})."
    return f"{sentence}."
