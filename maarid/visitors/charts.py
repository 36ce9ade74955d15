"""Bar charts of footfall drawn on the server as SVG (no script, no inline style: the
Content-Security-Policy allows neither). Plain data in, shapes out."""

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM = 600, 200, 18, 22


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    highlight: bool = False


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    baseline: float
    top: int


def bars(values: list[tuple[str, int]], highlight: set[int] | None = None) -> Chart:
    """Columns of ``values`` (label, value), scaled to the largest."""
    top = max((v for _l, v in values), default=0)
    n = max(len(values), 1)
    slot = WIDTH / n
    usable = HEIGHT - TOP - BOTTOM
    shapes = []
    for index, (label, value) in enumerate(values):
        height = usable * max(value, 0) / top if top > 0 else 0
        shapes.append(
            Bar(
                x=round(index * slot + slot * 0.12, 1),
                y=round(TOP + usable - height, 1),
                width=round(slot * 0.76, 1),
                height=round(height, 1),
                value=value,
                label=label,
                highlight=index in (highlight or set()),
            )
        )
    return Chart(width=WIDTH, height=HEIGHT, bars=shapes, baseline=TOP + usable, top=top)
