"""The reference fair's floor plan: the Place de la Wilaya in Tétouan with its terroir,
handicrafts and institutions tents (about 190 booths), the workshops tent, the B2B tables, the
stage, two entrances, first aid and the prayer room (``data/floorplan.json``); a few exhibitors
placed by hand (fixed booths), a few neighbour requests between cooperatives of one province and
sector, then every other exhibitor placed by the real optimiser with a short deterministic limit,
the places applied, announced and the plan published.

Deterministic and idempotent like the rest of the demo: the venue is rebuilt on each load.
"""

import random

from maarid.core.models import User
from maarid.exhibitors.selectors import active_exhibitors
from maarid.floorplan import services
from maarid.floorplan.geometry import BoothPlan, Plan, StructurePlan, ZonePlan, rectangle
from maarid.floorplan.models import NeighbourRequest, Venue
from maarid.floorplan.services import allocation_options

from . import content

_FILE = content.read_json("floorplan.json")
DEPTH = 3.0  # every booth is 3 m deep
AMENITY_LETTERS = {"w": "water", "r": "refrigeration"}


def _box(values: list[float]) -> list[list[list[float]]]:
    x, y, width, depth = values
    return rectangle(x, y, width, depth)


def plan() -> Plan:
    """The venue as the data file draws it, booths numbered tent by tent (A1, A2 …), row by
    row from the south, west to east."""
    structures, booths, zones = [], [], []
    for tent in _FILE["tents"]:
        structures.append(StructurePlan(tent["name"], "tent", _box(tent["box"])))
        kind, name = tent["zone"]
        zones.append(ZonePlan(kind, _box(tent["box"]), name))
        number = 0
        rows = tent["rows"]
        for y, row in zip(rows["at"], tent["booths"], strict=True):
            x = rows["x"]
            for token in row.split():
                width = float(token.rstrip("wr"))
                amenities = {AMENITY_LETTERS[c] for c in token if c in AMENITY_LETTERS}
                number += 1
                if width >= 6:
                    booth_kind = "pavilion" if tent.get("pavilions") else "double"
                elif tent.get("food") and amenities:
                    booth_kind = "food"
                else:
                    booth_kind = "standard"
                booths.append(
                    BoothPlan(
                        number=f"{tent['name']}{number}",
                        outline=rectangle(x, y, width, DEPTH),
                        kind=booth_kind,
                        structure=tent["name"],
                        electricity=True,
                        water="water" in amenities,
                        refrigeration="refrigeration" in amenities,
                    )
                )
                x += width
    for kind, name, box in _FILE["zones"]:
        zones.append(ZonePlan(kind, _box(box), name))
    return Plan(
        outline=_box(_FILE["outline"]),
        latitude=_FILE["latitude"],
        longitude=_FILE["longitude"],
        structures=structures,
        booths=booths,
        zones=zones,
    )


def _fixed(plan_: Plan, keyed: dict) -> None:
    """The booths placed by hand: they hold their exhibitor whatever the optimiser does."""
    by_number = {b.number: b for b in plan_.booths}
    for number, key in _FILE["fixed"]["booths"].items():
        by_number[number].fixed = keyed[key].slug


def _neighbours(actor: User, edition) -> None:
    """A few cooperatives ask to stand next to another of their province and sector (members
    of one union)."""
    rng = random.Random(_FILE["seed"])
    groups: dict[tuple[str, str], list] = {}
    for exhibitor in active_exhibitors(edition).select_related("organisation").order_by("pk"):
        organisation = exhibitor.organisation
        if organisation.kind == "cooperative":
            groups.setdefault((organisation.province_id, organisation.sector), []).append(exhibitor)
    pairs = [members for _key, members in sorted(groups.items()) if len(members) >= 2]
    for members in rng.sample(pairs, min(_FILE["neighbours"], len(pairs))):
        first, second = rng.sample(members, 2)
        services.request_neighbour(actor=actor, exhibitor=first, neighbour=second)


def load(edition, keyed: dict) -> dict:
    """Rebuilds the edition's floor plan and places its exhibitors; returns the run's figures."""
    actor = User.objects.get(username="organiser")
    Venue.objects.filter(edition=edition).delete()
    NeighbourRequest.objects.filter(exhibitor__edition=edition).delete()
    drawn = plan()
    _fixed(drawn, keyed)
    services.save_plan(actor=actor, edition=edition, plan=drawn)
    _neighbours(actor, edition)
    weights, seed, seconds = allocation_options(
        family=3, request=4, rotation=2, fairness=1, seed=_FILE["seed"], seconds=_FILE["seconds"]
    )
    result = services.run_allocation(
        actor=actor, edition=edition, weights=weights, seed=seed, seconds=seconds
    )
    services.apply_allocation(actor=actor, edition=edition, result=result)
    services.announce_assignments(actor=actor, edition=edition)
    services.publish(actor=actor, edition=edition, published=True)
    return dict(result)
