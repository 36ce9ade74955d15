"""The floor plan's geometry, in metres on the venue's local plane (x east, y north).

Plain data in and out, no Django: outlines are GeoJSON polygon coordinates (a list of closed
rings of ``[x, y]``, the outer ring first), read here from whatever a file holds; a ``Plan`` is
checked against the rules every saved venue keeps (valid outlines, booths inside their tent and
never overlapping, everything inside the site) and each broken rule comes back as a ``Problem``
naming the parts, which the services say in the user's language. The layout generator and the
figures of the server-drawn SVG live here too, so that the services, the optimiser's callers and
the demo share one notion of a shape.
"""

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import shapely
from shapely import Polygon, STRtree

Coordinates = list[list[list[float]]]

# Farther than this from the plan's origin is no fair ground: a mistake (or a projected
# coordinate system in the wrong unit). It also keeps areas far from float overflow.
LIMIT_M = 100_000.0
MAX_RINGS = 50
MAX_POSITIONS = 2_000
# Shared edges and rounding: booths side by side touch, they do not overlap.
OVERLAP_M2 = 1e-4
TOLERANCE_M = 1e-3


class ShapeError(ValueError):
    """The coordinates cannot be a polygon: ``code`` says why ("shape", "far")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _position(value: object) -> list[float]:
    if not isinstance(value, list) or not 2 <= len(value) <= 3:
        raise ShapeError("shape")
    x, y = value[0], value[1]
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ShapeError("shape")
        if abs(v) > LIMIT_M:
            raise ShapeError("far")
    return [float(x), float(y)]  # an altitude, if any, is dropped: the plan is flat


def read_polygon(value: object) -> Coordinates:
    """GeoJSON polygon coordinates read from anything (a parsed file): closed rings of at
    least four positions. Raises ``ShapeError``; the polygon's validity is ``problems``'."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_RINGS:
        raise ShapeError("shape")
    rings = []
    for ring in value:
        if not isinstance(ring, list) or not 4 <= len(ring) <= MAX_POSITIONS:
            raise ShapeError("shape")
        positions = [_position(p) for p in ring]
        if positions[0] != positions[-1]:
            raise ShapeError("shape")
        rings.append(positions)
    return rings


def polygon(coordinates: Coordinates) -> Polygon:
    return Polygon(coordinates[0], coordinates[1:])


def rectangle(x: float, y: float, width: float, depth: float) -> Coordinates:
    """An upright rectangle from its south-west corner, counter-clockwise (as GeoJSON asks)."""
    return box(x, y, x + width, y + depth)


def box(x0: float, y0: float, x1: float, y1: float) -> Coordinates:
    """The rectangle between two corners, to the millimetre: rectangles built from the same
    edges share them exactly."""
    x0, y0, x1, y1 = (round(v, 3) for v in (x0, y0, x1, y1))
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def area(coordinates: Coordinates) -> float:
    return float(polygon(coordinates).area)


def bounds(coordinates: Coordinates) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of the outer ring."""
    xs = [p[0] for p in coordinates[0]]
    ys = [p[1] for p in coordinates[0]]
    return min(xs), min(ys), max(xs), max(ys)


def looks_like_degrees(outlines: Iterable[Coordinates]) -> bool:
    """Longitudes and latitudes where metres are expected: every coordinate a possible
    longitude and latitude, and the whole plan less than a metre across (a real site is
    tens of metres wide; a site in degrees is a few thousandths of a degree)."""
    xs: list[float] = []
    ys: list[float] = []
    for coordinates in outlines:
        for ring in coordinates:
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    if not xs:
        return False
    in_range = all(abs(x) <= 180 for x in xs) and all(abs(y) <= 90 for y in ys)
    return in_range and max(max(xs) - min(xs), max(ys) - min(ys)) < 1.0


# --- A plan and its rules -----------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """What a problem names: ``kind`` is "site", "tent", "hall", "booth" or "zone"."""

    kind: str
    name: str = ""


SITE = Part("site")


@dataclass
class StructurePlan:
    name: str
    kind: str  # "tent" or "hall"
    outline: Coordinates

    @property
    def part(self) -> Part:
        return Part(self.kind, self.name)


@dataclass
class BoothPlan:
    number: str
    outline: Coordinates
    kind: str = "standard"
    structure: str | None = None  # the name of its tent or hall
    electricity: bool = False
    water: bool = False
    refrigeration: bool = False
    fixed: str | None = None  # the organisation (slug) the organisers placed here for good

    @property
    def part(self) -> Part:
        return Part("booth", self.number)


@dataclass
class ZonePlan:
    kind: str
    outline: Coordinates
    name: str = ""

    @property
    def part(self) -> Part:
        return Part("zone", self.name or self.kind)


@dataclass
class Plan:
    """A venue as plain data: what is imported, generated, copied, checked and saved."""

    outline: Coordinates = field(default_factory=list)  # the site; empty: not drawn
    latitude: float | None = None  # where the plan's origin is on Earth, if known
    longitude: float | None = None
    structures: list[StructurePlan] = field(default_factory=list)
    booths: list[BoothPlan] = field(default_factory=list)
    zones: list[ZonePlan] = field(default_factory=list)

    def outlines(self) -> Iterator[tuple[Part, Coordinates]]:
        if self.outline:
            yield SITE, self.outline
        for s in self.structures:
            yield s.part, s.outline
        for b in self.booths:
            yield b.part, b.outline
        for z in self.zones:
            yield z.part, z.outline


@dataclass(frozen=True)
class Problem:
    """A broken rule: "invalid" (the outline crosses itself or is degenerate; ``first``),
    "outside" (``first`` is not inside ``second``), "overlap" (``first`` and ``second``),
    "duplicate" (two booths of one number, two tents of one name: ``first``), "unknown" (the
    booth ``first`` is in a tent, ``second``, that the plan does not have)."""

    code: str
    first: Part
    second: Part | None = None


def problems(plan: Plan) -> list[Problem]:
    """Every rule the plan breaks, in the plan's order: numbers and names are unique, a booth's
    tent exists; outlines are valid polygons; tents,
    booths and zones lie inside the site; a booth lies inside its tent; tents do not overlap;
    booths do not overlap each other, nor a tent they are not in."""
    found: list[Problem] = []
    names = [s.name for s in plan.structures]
    for duplicate in _twice(names):
        found.append(
            Problem("duplicate", next(s.part for s in plan.structures if s.name == duplicate))
        )
    for duplicate in _twice([b.number for b in plan.booths]):
        found.append(Problem("duplicate", Part("booth", duplicate)))
    for booth in plan.booths:
        if booth.structure is not None and booth.structure not in names:
            found.append(Problem("unknown", booth.part, Part("structure", booth.structure)))
    parts = list(plan.outlines())
    shapes: dict[int, Polygon] = {}  # by place in ``parts``: two zones may share a name
    for i, (part, outline) in enumerate(parts):
        shape = polygon(outline)
        if not shapely.is_valid(shape) or shape.area <= 0:
            found.append(Problem("invalid", part))
        else:
            shapes[i] = shape
    first_structure = 1 if plan.outline else 0
    first_booth = first_structure + len(plan.structures)
    if plan.outline and 0 in shapes:
        inside_site = shapes[0].buffer(TOLERANCE_M)
        for i, shape in shapes.items():
            if i and not inside_site.covers(shape):
                found.append(Problem("outside", parts[i][0], SITE))
    structures = {
        s.name: first_structure + k
        for k, s in enumerate(plan.structures)
        if first_structure + k in shapes
    }
    booths = [first_booth + k for k in range(len(plan.booths))]
    for i, booth in zip(booths, plan.booths, strict=True):
        tent = structures.get(booth.structure or "", -1)
        if tent >= 0 and i in shapes and not shapes[tent].buffer(TOLERANCE_M).covers(shapes[i]):
            found.append(Problem("outside", booth.part, parts[tent][0]))
    named = [part for part, _outline in parts]
    found += _overlaps(list(structures.values()), shapes, named)
    found += _overlaps(booths, shapes, named)
    loose = [i for i, b in zip(booths, plan.booths, strict=True) if b.structure is None]
    found += _overlaps(loose, shapes, named, against=list(structures.values()))
    return found


def _twice(values: list[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


def _overlaps(
    mine: Sequence[int],
    shapes: dict[int, Polygon],
    parts: Sequence[Part],
    against: Sequence[int] | None = None,
) -> list[Problem]:
    """Pairs of ``mine`` that overlap (or each of ``mine`` with each of ``against``), by their
    places in ``parts``: a spatial index, so a plan of a thousand booths costs thousands of
    tests, not a million."""
    mine = [i for i in mine if i in shapes]
    others = mine if against is None else [i for i in against if i in shapes]
    if not mine or not others:
        return []
    tree = STRtree([shapes[i] for i in others])
    found = []
    for k, i in enumerate(mine):
        shape = shapes[i]
        for j in sorted(int(n) for n in tree.query(shape, predicate="intersects")):
            if against is None and j <= k:
                continue  # each pair once, and never a booth with itself
            if shape.intersection(shapes[others[j]]).area > OVERLAP_M2:
                found.append(Problem("overlap", parts[i], parts[others[j]]))
    return found


# --- The layout generator -----------------------------------------------------------------


@dataclass(frozen=True)
class RowsSpec:
    """A rectangular tent from its south-west corner, filled with rows of booths: a row along
    each long wall, back-to-back double rows between, an aisle in front of every row and at
    both ends of the rows."""

    x: float
    y: float
    width: float
    depth: float
    booth_width: float
    booth_depth: float
    aisle: float


@dataclass(frozen=True)
class GeneratedBooth:
    outline: Coordinates
    row: int
    end: bool  # first or last of its row: open on two sides (a corner booth)


def _rows(spec: RowsSpec) -> list[float]:
    """The southern edge of each row of booths, south to north."""
    top = spec.y + spec.depth + TOLERANCE_M
    bd, aisle = spec.booth_depth, spec.aisle
    if spec.y + bd > top:
        return []
    rows = [spec.y]  # against the southern wall, facing north
    y = spec.y + bd
    while True:
        y += aisle  # the aisle in front of the last row
        if y + 2 * bd + aisle <= top:  # a double row, with the aisle it faces north
            rows += [y, y + bd]
            y += 2 * bd
        else:
            if y + bd <= top:  # against the northern wall, facing south
                rows.append(y)
            return rows


def rows_of_booths(spec: RowsSpec) -> list[GeneratedBooth]:
    """The booths of the tent, row by row from the south, west to east in each row."""
    usable = spec.width - 2 * spec.aisle
    per_row = math.floor((usable + TOLERANCE_M) / spec.booth_width) if usable > 0 else 0
    if per_row <= 0:
        return []
    start = spec.x + spec.aisle + (usable - per_row * spec.booth_width) / 2
    edges = [start + n * spec.booth_width for n in range(per_row + 1)]
    booths = []
    for row, y in enumerate(_rows(spec)):
        for n in range(per_row):
            outline = box(edges[n], y, edges[n + 1], y + spec.booth_depth)
            booths.append(GeneratedBooth(outline, row, n in (0, per_row - 1)))
    return booths


# --- Drawing ------------------------------------------------------------------------------


def view_box(outlines: Iterable[Coordinates], margin: float = 2.0) -> tuple[float, ...]:
    """The SVG view box (x, y, width, height) around the outlines, north up: SVG's y grows
    downwards, so every point is drawn at (x, -y)."""
    xs: list[float] = []
    ys: list[float] = []
    for coordinates in outlines:
        xs += [p[0] for p in coordinates[0]]
        ys += [p[1] for p in coordinates[0]]
    if not xs:
        return (0.0, 0.0, 10.0, 10.0)
    return (
        min(xs) - margin,
        -max(ys) - margin,
        max(xs) - min(xs) + 2 * margin,
        max(ys) - min(ys) + 2 * margin,
    )


def svg_path(coordinates: Coordinates) -> str:
    """An SVG path (holes included, drawn with fill-rule evenodd) in the view box's frame."""
    return " ".join(
        "M" + " L".join(f"{fmt(p[0])},{fmt(-p[1])}" for p in ring[:-1]) + " Z"
        for ring in coordinates
    )


def label_point(coordinates: Coordinates) -> tuple[float, float, float]:
    """Where a label goes inside the outline, in the view box's frame, and a font size that
    fits the outline's narrower side."""
    shape = polygon(coordinates)
    point = shape.representative_point() if shape.is_valid else shape.centroid
    x0, y0, x1, y1 = bounds(coordinates)
    size = max(0.3, min(1.5, min(x1 - x0, y1 - y0) / 3))
    return point.x, -point.y, size


def fmt(value: float) -> str:
    """A coordinate as the SVG says it: to the millimetre, without trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
