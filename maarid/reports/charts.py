"""The report's charts, drawn as SVG on the server: the page and the PDF show the same drawing
(WeasyPrint lays inline SVG out, and shapes its Arabic text with the page's fonts), no script
draws anything, and a phone on the fair's poor network gets a few kilobytes.

Two drawings: bars (one line per slice: its label, its bar, its figure) and columns (one per
day, numbers only under and above them). In Arabic both are mirrored: labels on the right,
bars growing leftwards, the first day on the right. No Arabic is ever drawn as SVG text
(WeasyPrint lays SVG text out without the bidirectional algorithm): the bars' labels are the
page's own text beside each bar.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 420
BAR_WIDTH = 160
FONT = "'Noto Naskh Arabic', 'Noto Sans', sans-serif"
BAR = "#0b6e4f"
FAINT = "#d5dbe3"
INK = "#1d2430"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    shown: str  # the value as the reader reads it ("12.500,00 MAD")
    short: str = ""  # a column's label under it ("31")


def _length(value: Decimal | int, top: Decimal | int, room: float) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return round(float(Decimal(value) / Decimal(top)) * room, 1)


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(items: Sequence[Bar], *, title: str, rtl: bool = False) -> SafeString:
    """One line per item: its label, a bar as long as its share of the largest, its figure.

    The labels and figures are the page's text around one SVG bar per line, not SVG text:
    WeasyPrint draws SVG text without the bidirectional algorithm, so an Arabic label drawn
    in SVG would come out letter by letter backwards in the PDF. The chart repeats the table
    beneath it, so it is hidden from screen readers."""
    if not items:
        return SafeString("")
    top = max(item.value for item in items)
    lines = []
    for item in items:
        length = _length(item.value, top, BAR_WIDTH)
        x = BAR_WIDTH - length if rtl else 0
        lines.append(
            format_html(
                '<tr><th scope="row">{}</th><td class="bar"><svg xmlns="http://www.w3.org/2000/svg"'
                ' viewBox="0 0 {} 12" width="{}" height="12"><rect x="{}" y="0" width="{}"'
                ' height="12" fill="{}"/></svg></td><td class="num">{}</td></tr>',
                _clip(item.label),
                BAR_WIDTH,
                BAR_WIDTH,
                x,
                length,
                BAR,
                item.shown,
            )
        )
    return format_html(
        '<table class="bar-chart" aria-hidden="true" title="{}"><tbody>{}</tbody></table>',
        title,
        _joined(lines),
    )


def columns(items: Sequence[Bar], *, title: str, rtl: bool = False) -> SafeString:
    """One column per item (a day), its short label under it; the largest's figure above it."""
    if not items:
        return SafeString("")
    top = max(item.value for item in items)
    room, base = 120, 146
    step = (WIDTH - 8) / len(items)
    width = max(min(step * 0.7, 40), 2)
    shapes = []
    best = max(range(len(items)), key=lambda n: items[n].value)
    for n, item in enumerate(items):
        slot = len(items) - 1 - n if rtl else n
        middle = 4 + step * slot + step / 2
        length = _length(item.value, top, room)
        shapes.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} · {}</title></rect>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}" direction="ltr">{}</text>',
                round(middle - width / 2, 1),
                round(base - length, 1),
                round(width, 1),
                length,
                BAR,
                item.label,
                item.shown,
                round(middle, 1),
                base + 16,
                INK,
                item.short,
            )
        )
        if n == best and length:
            shapes.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}" direction="ltr">{}</text>',
                    round(middle, 1),
                    round(base - length - 5, 1),
                    INK,
                    item.shown,
                )
            )
    axis = format_html(
        '<line x1="4" y1="{}" x2="{}" y2="{}" stroke="{}"/>', base, WIDTH - 4, base, FAINT
    )
    return _svg(title, base + 24, _joined([axis, *shapes]))


def _joined(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _svg(title: str, height: int | float, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}" font-family="{}" font-size="13">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        WIDTH,
        height,
        title,
        FONT,
        title,
        body,
    )
