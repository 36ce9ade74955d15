"""Bar charts drawn on the server as SVG (no JavaScript): the geometry here, the markup in
``reports/observatory_chart.html``. A figure that is suppressed or missing draws no bar and
says so under its label. Plain data in and out."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 320  # the viewBox; the SVG scales to the phone's width
BAR_AREA = 150
TOP = 18
LABEL_SPACE = 34


def _n(value: float) -> str:
    """A coordinate as SVG reads it, whatever the page's language (a French page would
    write 50,0)."""
    return f"{value:.1f}"


@dataclass(frozen=True)
class Bar:
    # Coordinates are strings with a dot: see ``_n``.
    x: str
    y: str
    width: str
    height: str
    label: str
    value: str  # as shown above the bar ("—" when there is no figure)
    missing: bool
    label_x: str
    value_y: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str  # what a screen reader says of the chart
    bars: list[Bar]
    width: str
    height: str
    baseline: str
    label_y: str


def bar_chart(
    id: str,
    title: str,
    items: list[tuple[str, Decimal | int | None]],
    shown: list[str],
    summary: str = "",
) -> Chart:
    """One bar per item (label, value or None), ``shown`` the values as they read."""
    count = max(len(items), 1)
    slot = WIDTH / count
    width = min(slot * 0.7, 60)
    top = max((float(v) for _label, v in items if v is not None), default=0.0)
    baseline = TOP + BAR_AREA
    bars = []
    for i, ((label, value), text) in enumerate(zip(items, shown, strict=True)):
        height = 0.0 if value is None or top <= 0 else max(float(value) / top * BAR_AREA, 1.0)
        x = i * slot + (slot - width) / 2
        bars.append(
            Bar(
                x=_n(x),
                y=_n(baseline - height),
                width=_n(width),
                height=_n(height),
                label=label,
                value=text,
                missing=value is None,
                label_x=_n(i * slot + slot / 2),
                value_y=_n(baseline - height - 4),
            )
        )
    return Chart(
        id=id,
        title=title,
        summary=summary or ", ".join(f"{b.label}: {b.value}" for b in bars),
        bars=bars,
        width=str(WIDTH),
        height=str(int(baseline + LABEL_SPACE)),
        baseline=_n(baseline),
        label_y=_n(baseline + 16),
    )
