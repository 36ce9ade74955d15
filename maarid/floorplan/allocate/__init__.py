"""The booth allocation: which exhibitor goes in which booth (no Django here).

Plain dataclasses in (:class:`Booth`, :class:`Exhibitor`, a sector -> zones mapping,
:class:`Options` with its :class:`Weights`), a plain :class:`Allocation` out, OR-Tools CP-SAT
inside, so the optimiser is tested and benchmarked on plain data. The rules, the objective,
the method and its measured figures are in ``docs/floorplan-allocation.md``; the modules:
:mod:`.problem` (input, output, preparation), :mod:`.matching` (who is placed), :mod:`.model`
(CP-SAT), :mod:`.solver` (the phases), :mod:`.check` (an assignment's cost and broken rules),
:mod:`.baseline` (first fit).
"""

from .baseline import first_fit
from .check import (
    BOOTH_SHARED,
    GROUP_SPLIT,
    MISSING_AMENITIES,
    NOT_FIXED_BOOTH,
    TOO_SMALL,
    UNKNOWN_BOOTH,
    WRONG_ZONE,
    evaluate,
    violations,
)
from .problem import (
    BOOTHS_TAKEN,
    FEASIBLE,
    FIXED_BOOTH_TAKEN,
    FIXED_BOOTH_UNKNOWN,
    FIXED_BOOTH_UNSUITABLE,
    FIXED_BOOTHS_DIFFER,
    NO_BOOTH_BIG_ENOUGH,
    NO_BOOTH_IN_ZONE,
    NO_BOOTH_WITH_AMENITIES,
    NO_ZONE_FOR_SECTOR,
    OPTIMAL,
    Allocation,
    Booth,
    Exhibitor,
    Options,
    PartResult,
    Penalties,
    Reason,
    Weights,
)
from .solver import allocate

__all__ = [
    "BOOTHS_TAKEN",
    "BOOTH_SHARED",
    "FEASIBLE",
    "FIXED_BOOTH_TAKEN",
    "FIXED_BOOTH_UNKNOWN",
    "FIXED_BOOTH_UNSUITABLE",
    "FIXED_BOOTHS_DIFFER",
    "GROUP_SPLIT",
    "MISSING_AMENITIES",
    "NOT_FIXED_BOOTH",
    "NO_BOOTH_BIG_ENOUGH",
    "NO_BOOTH_IN_ZONE",
    "NO_BOOTH_WITH_AMENITIES",
    "NO_ZONE_FOR_SECTOR",
    "OPTIMAL",
    "TOO_SMALL",
    "UNKNOWN_BOOTH",
    "WRONG_ZONE",
    "Allocation",
    "Booth",
    "Exhibitor",
    "Options",
    "PartResult",
    "Penalties",
    "Reason",
    "Weights",
    "allocate",
    "evaluate",
    "first_fit",
    "violations",
]
