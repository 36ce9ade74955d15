"""Draws Maarid's mark and writes its icons to maarid/core/static/core/.

.venv/bin/python scripts/icons.py

The mark: four white lozenges set as one, like stands around a fair's square or the tiles of a
zellige, on the brand's green. One description of the shapes (``SHAPES``) gives both the SVG and
the PNGs (Pillow, drawn four times larger and scaled down for smooth edges), so they cannot
drift apart. The files are committed: they change only when the mark does, weigh a few
kilobytes, and the site then needs no drawing step at set-up; `tests/core/test_icons.py` checks
that they are what this script draws.

- icon.svg: browsers' tab icon (any size);
- favicon.ico (16, 32, 48 pixels): /favicon.ico, for the clients that ask for it by that name;
- icon-192.png, icon-512.png: the web app manifest's icons (rounded corners, transparent);
- icon-maskable-512.png: the manifest's "maskable" icon (full bleed: the phone cuts its shape;
  the lozenges stay inside the safe circle, 40 % of the size around the centre);
- apple-touch-icon.png (180 pixels, full bleed, opaque: iOS rounds the corners itself and would
  fill transparency with black).
"""

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "maarid" / "core" / "static" / "core"
GREEN, WHITE = "#0b6e4f", "#ffffff"
SIZE = 512  # the drawing's units
RADIUS = 96  # of the rounded square
SUPERSAMPLE = 4


def _lozenge(cx: float, cy: float, half: float) -> list[tuple[float, float]]:
    return [(cx, cy - half), (cx + half, cy), (cx, cy + half), (cx - half, cy)]


# Four lozenges of half-diagonal 76 whose centres are 88 from the middle: together a lozenge of
# half-diagonal 176 split by gaps along its diagonals' parallels.
LOZENGES = [_lozenge(256 + dx, 256 + dy, 76) for dx, dy in ((0, -88), (88, 0), (0, 88), (-88, 0))]


def svg() -> str:
    shapes = "".join(
        '<path d="M{} Z" fill="{}"/>'.format(" L".join(f"{x:g} {y:g}" for x, y in points), WHITE)
        for points in LOZENGES
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">'
        f"<title>Maarid</title>"
        f'<rect width="{SIZE}" height="{SIZE}" rx="{RADIUS}" fill="{GREEN}"/>{shapes}</svg>\n'
    )


def png(pixels: int, *, rounded: bool = True) -> Image.Image:
    big = pixels * SUPERSAMPLE
    scale = big / SIZE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=RADIUS * scale, fill=GREEN)
    else:
        draw.rectangle((0, 0, big, big), fill=GREEN)
    for points in LOZENGES:
        draw.polygon([(x * scale, y * scale) for x, y in points], fill=WHITE)
    image = image.resize((pixels, pixels), Image.Resampling.LANCZOS)
    return image if rounded else image.convert("RGB")


def files() -> dict[str, bytes]:
    """Every icon's name and content."""

    def encoded(image: Image.Image, **options) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, optimize=True, **options)
        return buffer.getvalue()

    return {
        "icon.svg": svg().encode(),
        "favicon.ico": encoded(png(48), format="ICO", sizes=[(16, 16), (32, 32), (48, 48)]),
        "icon-192.png": encoded(png(192), format="PNG"),
        "icon-512.png": encoded(png(512), format="PNG"),
        "icon-maskable-512.png": encoded(png(512, rounded=False), format="PNG"),
        "apple-touch-icon.png": encoded(png(180, rounded=False), format="PNG"),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in files().items():
        (OUT / name).write_bytes(content)
        print(f"{OUT / name}: {len(content)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
