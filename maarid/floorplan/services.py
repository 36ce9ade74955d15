"""Every write of the floor plan and the rules it keeps; the reads are in ``selectors``.

A venue is always saved whole and checked whole: whether it comes from a GeoJSON file, the
layout generator, last edition's plan or one booth edited, the plan is checked against the rules
of ``geometry.problems`` (and for coordinates in degrees) before anything is written, and a plan
that breaks one is refused with the booths, tents and zones named. Booths are matched by number
and tents by name, so that saving a plan again keeps the booths (and who was placed in them)
that it still has; a booth whose exhibitor was announced cannot be taken away.

The organisers of the series write; nobody else does (an exhibitor never moves itself).
"""

from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from maarid.core import access, audit
from maarid.core.models import User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition

from . import allocate, geojson, geometry, selectors, wording
from .geometry import BoothPlan, Coordinates, Part, Plan, RowsSpec, StructurePlan
from .models import Assignment, Booth, NeighbourRequest, Structure, Venue, Zone

# Past this many, a plan (or a generated tent) is a mistake, not a fair: 1,000 exhibitors is
# the largest fair the allocation is measured on.
MAX_BOOTHS = 3_000


def require_organiser(user: User, edition: Edition) -> None:
    access.require_organiser(user, edition.series_id)


# --- Checking a plan ----------------------------------------------------------------------


def _where(part: Part, places: dict[Part, int] | None) -> str:
    """The key of a message about ``part``: its feature in the file it came from, if any."""
    return geojson.key(places[part]) if places and part in places else NON_FIELD_ERRORS


def check(*, plan: Plan, places: dict[Part, int] | None = None) -> None:
    """Refuses a plan that breaks a rule, with a message naming each part concerned; keyed by
    the feature of the file it came from (``features.<i>``), when it came from one."""
    errors: dict[str, list[str]] = {}

    def add(part: Part, message: str) -> None:
        errors.setdefault(_where(part, places), []).append(message)

    parts = list(plan.outlines())
    if geometry.looks_like_degrees(outline for _part, outline in parts):
        add(
            parts[0][0],
            capfirst(
                _(
                    "%(part)s: the coordinates are degrees of longitude and latitude (the whole "
                    "plan is less than a metre across). The plan is drawn in metres from a point "
                    "of the site; give that point's latitude and longitude on the site instead."
                )
                % {"part": wording.label(parts[0][0])}
            ),
        )
        raise ValidationError(errors)
    if (plan.latitude is None) != (plan.longitude is None):
        add(geometry.SITE, _("The site needs both a latitude and a longitude, or neither."))
    if len(plan.booths) > MAX_BOOTHS:
        add(parts[0][0], _("A plan holds %(count)s booths at most.") % {"count": MAX_BOOTHS})
        raise ValidationError(errors)
    found = geometry.problems(plan)
    for problem in found[: geojson.MAX_MESSAGES]:
        add(problem.first, wording.problem(problem))
    if len(found) > geojson.MAX_MESSAGES:
        more = len(found) - geojson.MAX_MESSAGES
        add(geometry.SITE, _("And %(count)s more problems.") % {"count": more})
    if errors:
        raise ValidationError(errors)


def _fixed(edition: Edition, plan: Plan, places: dict[Part, int] | None) -> dict[str, Exhibitor]:
    """The exhibitors the plan fixes in booths, by organisation slug: each must exhibit at the
    edition."""
    wanted = {b.fixed for b in plan.booths if b.fixed}
    found = selectors.exhibitors_by_slug(edition, wanted)
    errors: dict[str, list[str]] = {}
    for booth in plan.booths:
        if booth.fixed and booth.fixed not in found:
            message = _("%(part)s: %(organisation)s does not exhibit at this edition.") % {
                "part": wording.label(booth.part),
                "organisation": booth.fixed,
            }
            errors.setdefault(_where(booth.part, places), []).append(capfirst(message))
    if errors:
        raise ValidationError(errors)
    return found


# --- Saving a whole plan ------------------------------------------------------------------


@transaction.atomic
def save_plan(
    *, actor: User, edition: Edition, plan: Plan, places: dict[Part, int] | None = None
) -> Venue:
    """The edition's venue becomes ``plan``, if it keeps every rule; nothing is saved if not."""
    require_organiser(actor, edition)
    check(plan=plan, places=places)
    fixed = _fixed(edition, plan, places)
    venue, _created = Venue.objects.select_for_update().get_or_create(
        edition=edition, defaults=_site(plan)
    )
    venue.edition = edition
    kept = {b.number for b in plan.booths}
    removed = set(venue.booths.values_list("number", flat=True)) - kept
    announced = selectors.announced_in(venue, removed)
    if announced:
        raise ValidationError(
            [
                capfirst(
                    _("%(part)s was announced to %(exhibitor)s: it cannot be taken away.")
                    % {
                        "part": wording.label(Part("booth", a.booth.number)),
                        "exhibitor": a.exhibitor.organisation,
                    }
                )
                for a in announced
            ]
        )
    _write(venue, plan, fixed)
    return venue


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


def _area(outline: Coordinates) -> Decimal:
    return Decimal(str(round(geometry.area(outline), 2)))


def _save_if_changed(obj: Any, values: dict[str, Any]) -> None:
    """Saves only what changed: an unchanged booth is not written (nor audited) again."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if obj.pk is None:
        obj.save()
    elif changed:
        obj.save(update_fields=changed)


def _site(plan: Plan) -> dict[str, Any]:
    return {
        "outline": plan.outline,
        "latitude": _decimal(plan.latitude),
        "longitude": _decimal(plan.longitude),
    }


def _write(venue: Venue, plan: Plan, fixed: dict[str, Exhibitor]) -> None:
    _save_if_changed(venue, _site(plan))
    structures = {s.name: s for s in venue.structures.all()}
    for s in plan.structures:
        structure = structures.get(s.name) or Structure(venue=venue, name=s.name)
        _save_if_changed(structure, {"kind": s.kind, "outline": s.outline})
        structures[s.name] = structure
    booths = {b.number: b for b in venue.booths.all()}
    for b in plan.booths:
        booth = booths.pop(b.number, None) or Booth(venue=venue, number=b.number)
        exhibitor = fixed.get(b.fixed) if b.fixed else None
        _save_if_changed(
            booth,
            {
                "kind": b.kind,
                "outline": b.outline,
                "area_m2": _area(b.outline),
                "structure_id": structures[b.structure].pk if b.structure else None,
                "electricity": b.electricity,
                "water": b.water,
                "refrigeration": b.refrigeration,
                "fixed_exhibitor_id": exhibitor.pk if exhibitor else None,
            },
        )
    for booth in booths.values():  # the booths the plan no longer has
        booth.delete()
    wanted = {s.name for s in plan.structures}
    for name, structure in structures.items():
        if name not in wanted:
            structure.delete()
    zones = list(venue.zones.order_by("pk"))
    for i, z in enumerate(plan.zones):
        zone = zones[i] if i < len(zones) else Zone(venue=venue)
        _save_if_changed(zone, {"kind": z.kind, "name": z.name, "outline": z.outline})
    for zone in zones[len(plan.zones) :]:
        zone.delete()
    Venue.objects.filter(pk=venue.pk).update(updated_at=timezone.now())


# --- Where a plan comes from --------------------------------------------------------------


def _bytes(source: bytes | File[bytes]) -> bytes:
    limit = settings.MAARID_IMPORT_MAX_BYTES
    size = len(source) if isinstance(source, bytes) else source.size
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large: %(limit)s at most.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    if isinstance(source, bytes):
        return source
    data = source.read(limit + 1)
    if len(data) > limit:  # a file whose declared size said less
        return _bytes(data)
    return bytes(data)


def import_geojson(*, actor: User, edition: Edition, source: bytes | File[bytes]) -> Venue:
    """The edition's venue from a GeoJSON FeatureCollection (``geojson`` says the format):
    refused as a whole, with a message per feature, if the file cannot be read or the plan it
    draws breaks a rule."""
    require_organiser(actor, edition)
    plan, places = geojson.read(geojson.load(_bytes(source)))
    return save_plan(actor=actor, edition=edition, plan=plan, places=places)


def generate_layout(
    *,
    actor: User,
    edition: Edition,
    name: str,
    kind: str = Structure.Kind.TENT,
    x: float,
    y: float,
    width: float,
    depth: float,
    booth_width: float,
    booth_depth: float,
    aisle: float,
    numbering: str = "",
    electricity: bool = False,
) -> Venue:
    """A rectangular tent (or hall) at (x, y), ``width`` by ``depth`` metres, filled with rows
    of booths (``geometry.rows_of_booths``) numbered ``numbering``1, 2… row by row; the booths at
    the ends of the rows are corner booths. A tent of that name already in the plan is made
    again (booths keeping their numbers keep who was placed in them)."""
    require_organiser(actor, edition)
    sizes = {"width": width, "depth": depth, "booth_width": booth_width, "booth_depth": booth_depth}
    errors = {
        field: [_("Between 0.5 and 1,000 metres.")]
        for field, value in sizes.items()
        if not 0.5 <= value <= 1000
    }
    if not 0 <= aisle <= 100:
        errors["aisle"] = [_("Between 0 and 100 metres.")]
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    spec = RowsSpec(x, y, width, depth, booth_width, booth_depth, aisle)
    generated = geometry.rows_of_booths(spec)
    if not generated:
        raise ValidationError(
            _("Not one booth fits: the tent is too small for a row of booths and its aisles.")
        )
    if len(generated) > MAX_BOOTHS:
        raise ValidationError(_("A plan holds %(count)s booths at most.") % {"count": MAX_BOOTHS})
    venue = selectors.venue_of(edition)
    plan = selectors.plan_of(venue) if venue else Plan()
    name = name.strip()
    plan.structures = [s for s in plan.structures if s.name != name]
    plan.structures.append(StructurePlan(name, kind, geometry.rectangle(x, y, width, depth)))
    plan.booths = [b for b in plan.booths if b.structure != name]
    prefix = numbering.strip()
    for number, booth in enumerate(generated, start=1):
        plan.booths.append(
            BoothPlan(
                number=f"{prefix}{number}",
                outline=booth.outline,
                kind=Booth.Kind.CORNER if booth.end else Booth.Kind.STANDARD,
                structure=name,
                electricity=electricity,
            )
        )
    return save_plan(actor=actor, edition=edition, plan=plan)


def copy_previous(*, actor: User, edition: Edition) -> Venue:
    """Last edition's plan (the latest earlier edition of the series that has booths), its
    site, tents, booths and zones, without who stood where. Refused once booths of this
    edition are allocated: the copy would take them away."""
    require_organiser(actor, edition)
    previous = selectors.previous_venue(edition)
    if previous is None:
        raise ValidationError(_("No earlier edition of this fair has a floor plan to copy."))
    current = selectors.venue_of(edition)
    if current is not None and selectors.has_assignments(current):
        raise ValidationError(
            _("Exhibitors are already placed in this edition's booths: the plan is not replaced.")
        )
    plan = selectors.plan_of(previous)
    for booth in plan.booths:
        booth.fixed = None  # last year's exhibitors are not this year's
    return save_plan(actor=actor, edition=edition, plan=plan)


# --- One booth ----------------------------------------------------------------------------


class BoothChanges(TypedDict, total=False):
    """What an organiser may change in one booth; a field left out keeps its value."""

    number: str
    kind: str
    structure: str | None  # the name of a tent of the plan, or None: in the open
    electricity: bool
    water: bool
    refrigeration: bool
    fixed: str | None  # the slug of an exhibiting organisation, or None
    outline: Coordinates


def edit_booth(*, actor: User, booth: Booth, **changes: Unpack[BoothChanges]) -> Booth:
    """Changes one booth; the whole plan is checked again (the booth still inside its tent,
    overlapping none), and the booth alone is written."""
    venue = booth.venue
    require_organiser(actor, venue.edition)
    if "kind" in changes and changes["kind"] not in Booth.Kind.values:
        raise ValidationError({"kind": [_("This is not one of the allowed values.")]})
    if "outline" in changes:
        try:
            changes["outline"] = geometry.read_polygon(changes["outline"])
        except geometry.ShapeError:
            raise ValidationError(
                {"outline": [_("The outline is not closed rings of [x, y] positions.")]}
            )
    plan = selectors.plan_of(venue)
    mine = next(b for b in plan.booths if b.number == booth.number)
    for field, value in changes.items():
        setattr(mine, field, value.strip() if isinstance(value, str) else value)
    if not mine.number:
        raise ValidationError({"number": [_("This field is required.")]})
    check(plan=plan)
    fixed = _fixed(venue.edition, plan, None)
    structure = selectors.structures_of(venue).get(name=mine.structure) if mine.structure else None
    with transaction.atomic():
        _save_if_changed(
            booth,
            {
                "number": mine.number,
                "kind": mine.kind,
                "outline": mine.outline,
                "area_m2": _area(mine.outline),
                "structure": structure,
                "electricity": mine.electricity,
                "water": mine.water,
                "refrigeration": mine.refrigeration,
                "fixed_exhibitor": fixed.get(mine.fixed) if mine.fixed else None,
            },
        )
    return booth


# --- Who stands where, and who may see the plan -------------------------------------------


def place(*, actor: User, exhibitor: Exhibitor, booth: Booth | None) -> Assignment | None:
    """Puts an exhibitor of the edition in a booth of its venue (None: takes it out). A move
    is not announced until the organisers announce it again."""
    venue = booth.venue if booth is not None else selectors.venue_of(exhibitor.edition)
    if venue is None:
        raise ValidationError(_("This edition has no floor plan yet."))
    require_organiser(actor, venue.edition)
    if exhibitor.edition_id != venue.edition.pk:
        raise ValidationError(_("This exhibitor does not exhibit at this edition."))
    current = Assignment.objects.filter(exhibitor=exhibitor).first()
    if booth is None:
        if current is not None:
            current.delete()
        return None
    if current is None:
        return Assignment.objects.create(booth=booth, exhibitor=exhibitor)
    if current.booth_id != booth.pk:
        current.booth, current.announced = booth, False
        current.save(update_fields=["booth", "announced"])
    return current


def publish(*, actor: User, edition: Edition, published: bool) -> Venue:
    """Shows the edition's plan to the public (or takes it back)."""
    require_organiser(actor, edition)
    venue = selectors.venue_of(edition)
    if venue is None or (published and not venue.booths.exists()):
        raise ValidationError(_("The plan has no booth yet: there is nothing to publish."))
    if published != venue.published:
        venue.published_at = timezone.now() if published else None
        venue.save(update_fields=["published_at", "updated_at"])
    return venue


# --- The allocation (fpops) ---------------------------------------------------------------

# What an organiser may ask of a run: the weights of the soft goals, and deterministic seconds.
MAX_WEIGHT = 100
MIN_SECONDS, MAX_SECONDS = 1, 300


class AllocationResult(TypedDict):
    """A run's proposal, as a job keeps it (JSON): exhibitor pk -> booth pk (keys as strings),
    the unplaced with their reasons (ids already turned into numbers and zone names), the
    figures, and what it was asked with."""

    booths: dict[str, int]
    unplaced: list[dict[str, Any]]
    objective: int
    bound: int
    gap: float | None
    optimal: bool
    penalties: dict[str, int]
    moved: list[int]
    first_fit: int
    placed: int
    exhibitors: int
    seed: int
    seconds: int
    weights: dict[str, int]


def allocation_options(
    *, family: int, request: int, rotation: int, fairness: int, seed: int, seconds: int
) -> tuple[allocate.Weights, int, int]:
    """The weights, seed and limit an organiser asked for, checked (a 400 with the fields
    named, never a 500)."""
    errors: dict[str, list[str]] = {}
    for name, value in (
        ("family", family),
        ("request", request),
        ("rotation", rotation),
        ("fairness", fairness),
    ):
        if not 0 <= value <= MAX_WEIGHT:
            errors[name] = [_("Between 0 and %(max)s.") % {"max": MAX_WEIGHT}]
    if not 0 <= seed <= 2**31 - 1:
        errors["seed"] = [_("Between 0 and %(max)s.") % {"max": 2**31 - 1}]
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        errors["seconds"] = [
            _("Between %(min)s and %(max)s seconds.") % {"min": MIN_SECONDS, "max": MAX_SECONDS}
        ]
    if errors:
        raise ValidationError(errors)
    return allocate.Weights(family, request, rotation, fairness), seed, seconds


def _reason_params(params: dict[str, object], data: selectors.AllocationInput) -> dict[str, object]:
    """A reason's params with booth pks made numbers and zone ids made zone names (an empty
    name: the open area), so that the reason can be read after the plan changed."""
    out: dict[str, object] = {}
    for key, value in params.items():
        if key == "zones" and isinstance(value, list | tuple):
            out[key] = [data.zone_names.get(str(z), str(z)) for z in value]
        elif key == "zone":
            out[key] = data.zone_names.get(str(value), str(value))
        elif key in ("booth", "by") and isinstance(value, int):
            if key == "by":
                out[key] = data.names.get(value, str(value))
            else:
                out[key] = data.booth_numbers.get(value, str(value))
        elif key == "booths" and isinstance(value, list | tuple):
            out[key] = [data.booth_numbers.get(int(str(b)), str(b)) for b in value]
        elif isinstance(value, frozenset | set | tuple):
            out[key] = sorted(str(v) for v in value)
        else:
            out[key] = value
    return out


def _keep(announced: dict[int, int]) -> dict[Hashable, Hashable] | None:
    keep: dict[Hashable, Hashable] = {}
    keep.update(announced.items())
    return keep or None


def run_allocation(
    *,
    actor: User,
    edition: Edition,
    weights: allocate.Weights,
    seed: int,
    seconds: int,
    progress: Callable[[float, str], None] | None = None,
) -> AllocationResult:
    """Runs the optimiser on the edition's venue and accepted exhibitors and returns its
    proposal (nothing is written: ``apply_allocation`` does, once the organiser confirms).
    Deterministic for a seed and a limit (``seconds`` of the solver's deterministic time); an
    announced assignment is kept: only what must move moves."""
    require_organiser(actor, edition)
    data = selectors.allocation_input(edition)
    if not data.booths:
        raise ValidationError(_("This edition has no booth yet: draw the plan first."))
    if not data.exhibitors:
        raise ValidationError(_("This edition has no accepted exhibitor to place."))
    options = allocate.Options(
        weights=weights,
        seed=seed,
        deterministic_limit=float(seconds),
        time_limit=float(4 * seconds + 30),  # a safety cap only: the result is reproducible
        workers=1,
        keep=_keep(data.announced),
        progress=progress,
    )
    result = allocate.allocate(data.booths, data.exhibitors, data.zones_of, options)
    first = allocate.first_fit(data.booths, data.exhibitors, data.zones_of, options)
    first_cost = allocate.evaluate(data.booths, data.exhibitors, data.zones_of, first, options)
    return {
        "booths": {str(e): int(str(b)) for e, b in result.booths.items()},
        "unplaced": [
            {
                "exhibitor": int(str(e)),
                "name": data.names.get(int(str(e)), ""),
                "code": reason.code,
                "params": _reason_params(dict(reason.params), data),
            }
            for e, reason in result.unplaced.items()
        ],
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "optimal": result.optimal,
        "penalties": {
            "family": result.penalties.family,
            "request": result.penalties.request,
            "rotation": result.penalties.rotation,
            "fairness": result.penalties.fairness,
        },
        "moved": [int(str(e)) for e in result.moved],
        "first_fit": first_cost.cost(weights),
        "placed": len(result.booths),
        "exhibitors": len(data.exhibitors),
        "seed": seed,
        "seconds": seconds,
        "weights": {
            "family": weights.family,
            "request": weights.request,
            "rotation": weights.rotation,
            "fairness": weights.fairness,
        },
    }


def apply_allocation(*, actor: User, edition: Edition, result: AllocationResult) -> int:
    """Writes a run's proposal (audited, as one change): each placed exhibitor in its booth
    (an unchanged place keeps being announced, a new one is not announced yet), the others
    taken out. Refused, with nothing written, if the plan or the exhibitors changed since the
    run so that the proposal breaks a rule now. Returns how many exhibitors changed place."""
    require_organiser(actor, edition)
    data = selectors.allocation_input(edition)
    proposal: dict[int, int] = {}
    for key, booth in result["booths"].items():
        try:
            proposal[int(key)] = int(booth)
        except (TypeError, ValueError):
            raise ValidationError(_("This proposal cannot be read: run the allocation again."))
    known = {e.id for e in data.exhibitors}
    broken = allocate.violations(
        data.booths,
        data.exhibitors,
        data.zones_of,
        {e: b for e, b in proposal.items() if e in known},
    )
    if broken or not set(proposal) <= known:
        raise ValidationError(
            _(
                "The plan or the exhibitors changed since this allocation was run: it no longer "
                "keeps the rules. Run it again."
            )
        )
    venue = selectors.venue_of(edition)
    assert venue is not None  # the booths above are its booths
    changed = 0
    with transaction.atomic(), audit.acting_as(actor), audit.because(_("Booth allocation")):
        for stale in Assignment.objects.filter(booth__venue=venue).exclude(
            exhibitor_id__in=list(proposal)
        ):
            stale.delete()
            changed += 1
        current = {a.exhibitor_id: a for a in Assignment.objects.filter(booth__venue=venue)}
        for exhibitor_id, booth_id in proposal.items():
            assignment = current.get(exhibitor_id)
            if assignment is None:
                Assignment.objects.create(booth_id=booth_id, exhibitor_id=exhibitor_id)
                changed += 1
            elif assignment.booth_id != booth_id:
                assignment.booth_id, assignment.announced = booth_id, False
                assignment.save(update_fields=["booth", "announced"])
                changed += 1
        audit.record(
            "allocate",
            venue,
            {
                "placed": [None, len(proposal)],
                "changed": [None, changed],
                "objective": [None, result["objective"]],
                "seed": [None, result["seed"]],
            },
            user=actor,
        )
    return changed


def announce_assignments(*, actor: User, edition: Edition) -> int:
    """Marks every exhibitor's place announced (they were told): a later run keeps them where
    it can. Returns how many were newly announced."""
    require_organiser(actor, edition)
    venue = selectors.venue_of(edition)
    if venue is None:
        return 0
    count = 0
    with transaction.atomic(), audit.acting_as(actor):
        for assignment in Assignment.objects.filter(booth__venue=venue, announced=False):
            assignment.announced = True
            assignment.save(update_fields=["announced"])
            count += 1
    return count


def request_neighbour(*, actor: User, exhibitor: Exhibitor, neighbour: Exhibitor) -> None:
    """Records that ``exhibitor`` asks to stand next to ``neighbour`` (same edition)."""
    require_organiser(actor, exhibitor.edition)
    if exhibitor.pk == neighbour.pk or exhibitor.edition_id != neighbour.edition_id:
        raise ValidationError(_("A neighbour must be another exhibitor of the same edition."))
    NeighbourRequest.objects.get_or_create(exhibitor=exhibitor, neighbour=neighbour)


# --- Moving an exhibitor on the organisers' map (fpmap) -----------------------------------


class MoveBreaks(Exception):
    """A move that breaks rules, not saved until the organiser confirms it: ``breaks`` says
    each rule broken, in the organiser's language."""

    def __init__(self, breaks: list[str]):
        super().__init__("; ".join(breaks))
        self.breaks = breaks


def _amenity_names(codes: list[str]) -> str:
    names = {"electricity": _("electricity"), "water": _("water"), "refrigeration": _("cold")}
    return ", ".join(str(names.get(code, code)) for code in codes)


def _say(
    code: str, params: dict[str, Any], who: str, data: selectors.AllocationInput
) -> str | None:
    """A broken rule (``allocate.check``'s codes) in words; None for what a move cannot
    cause."""
    numbers: dict[Any, str] = dict(data.booth_numbers)
    number = numbers.get(params.get("booth"), "?")
    if code == allocate.WRONG_ZONE:
        zone = data.zone_names.get(str(params.get("zone")), "")
        return _("Booth %(booth)s is in %(zone)s, which does not take the sector of %(who)s.") % {
            "booth": number,
            "zone": zone or _("the open area"),
            "who": who,
        }
    if code == allocate.TOO_SMALL:
        return _("Booth %(booth)s has %(area)s m²; %(who)s needs %(needed)s m².") % {
            "booth": number,
            "area": geometry.fmt(float(params["area"])),
            "needed": geometry.fmt(float(params["needed"])),
            "who": who,
        }
    if code == allocate.MISSING_AMENITIES:
        return _("Booth %(booth)s has no %(amenities)s, which %(who)s needs.") % {
            "booth": number,
            "amenities": _amenity_names(list(params["amenities"])),
            "who": who,
        }
    if code == allocate.BOOTH_SHARED:
        names: dict[Any, str] = dict(data.names)
        others = ", ".join(names.get(e, "?") for e in params["with"])
        return _("Booth %(booth)s would hold %(who)s and %(others)s: one exhibitor a booth.") % {
            "booth": number,
            "who": who,
            "others": others,
        }
    if code == allocate.NOT_FIXED_BOOTH:
        return _("%(who)s is fixed in booth %(fixed)s.") % {
            "who": who,
            "fixed": numbers.get(params["fixed"], "?"),
        }
    return None


def move_breaks(*, actor: User, exhibitor: Exhibitor, booth: Booth | None) -> list[str]:
    """What moving ``exhibitor`` to ``booth`` (None: out of the plan) would break that holds
    now: the hard rules of the allocation (its size and amenity needs, the zone of its
    sector, one exhibitor a booth, booths fixed by the organisers) and the word given to an
    exhibitor already told its booth. Organisers only."""
    edition = exhibitor.edition
    require_organiser(actor, edition)
    if booth is not None and booth.venue.edition_id != edition.pk:
        raise ValidationError(_("This exhibitor does not exhibit at this edition."))
    data = selectors.allocation_input(edition)
    before: dict[Hashable, Hashable] = dict(data.current.items())
    after = dict(before)
    after.pop(exhibitor.pk, None)
    if booth is not None:
        after[exhibitor.pk] = booth.pk
    now = allocate.violations(data.booths, data.exhibitors, data.zones_of, before)
    then = allocate.violations(data.booths, data.exhibitors, data.zones_of, after)
    names: dict[Hashable, str] = dict(data.names.items())
    breaks: list[str] = []
    shared: set[Hashable] = set()  # a booth shared is said once, from the mover's side
    mover_first = sorted(then.items(), key=lambda item: item[0] != exhibitor.pk)
    for who_pk, reasons in mover_first:
        held = {(r.code, repr(sorted(r.params.items()))) for r in now.get(who_pk, [])}
        for reason in reasons:
            if (reason.code, repr(sorted(reason.params.items()))) in held:
                continue
            if reason.code == allocate.BOOTH_SHARED:
                if reason.params["booth"] in shared:
                    continue
                shared.add(reason.params["booth"])
            said = _say(reason.code, dict(reason.params), names.get(who_pk, "?"), data)
            if said and said not in breaks:
                breaks.append(said)
    name = str(exhibitor.organisation)
    if booth is not None and booth.fixed_exhibitor_id not in (None, exhibitor.pk):
        breaks.append(
            _("Booth %(booth)s is fixed for %(other)s.")
            % {"booth": booth.number, "other": names.get(booth.fixed_exhibitor_id, "?")}
        )
    was = data.announced.get(exhibitor.pk)
    if was is not None and (booth is None or was != booth.pk):
        breaks.append(
            _("%(who)s was told its booth, %(booth)s: tell it again after the move.")
            % {"who": name, "booth": data.booth_numbers.get(was, "?")}
        )
    return breaks


def move(
    *, actor: User, exhibitor: Exhibitor, booth: Booth | None, confirmed: bool = False
) -> Assignment | None:
    """Moves ``exhibitor`` to ``booth`` (None: out of the plan), as an organiser decides on
    the map. A move that breaks something (``move_breaks``) is refused with ``MoveBreaks``
    until the organiser confirms it; then it is saved, and the audit trail records what it
    broke beside the change. An exhibitor never moves itself: organisers only."""
    breaks = move_breaks(actor=actor, exhibitor=exhibitor, booth=booth)
    if breaks and not confirmed:
        raise MoveBreaks(breaks)
    reason = _("Moved on the map although: %(breaks)s") % {"breaks": " ".join(breaks)}
    with audit.acting_as(actor), audit.because(reason if breaks else ""), transaction.atomic():
        return place(actor=actor, exhibitor=exhibitor, booth=booth)
