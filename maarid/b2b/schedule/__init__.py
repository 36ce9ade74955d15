"""The B2B meeting scheduler: which meeting happens in which slot at which table (no Django here).

Plain dataclasses in (:class:`Participant`, :class:`Slot`, :class:`Table`, :class:`Meeting`,
:class:`Options`), a plain :class:`Schedule` out, OR-Tools CP-SAT and a compiled local search
inside, so the optimiser is tested and benchmarked on plain data; ``b2b/services.py`` turns an
edition's rows into these. The hard rules, the lexicographic objective (meetings placed, then
breaks, then table changes), the method and its measured figures are in
``docs/b2b-scheduler.md``; the modules: :mod:`.problem` (input, output, preparation),
:mod:`.greedy`, :mod:`.model` (CP-SAT), :mod:`.solver` (the phases), :mod:`.prover` (the
breaks' race), :mod:`.search` and :mod:`.anneal` (local search), :mod:`.tables`,
:mod:`.instances` (files).
"""

from .problem import (
    AM,
    FEASIBLE,
    INFEASIBLE,
    NO_TABLE_BIG_ENOUGH,
    NOT_SCHEDULED,
    OPTIMAL,
    OVER_SUBSCRIBED,
    PARTICIPANT_UNAVAILABLE,
    PINNED_CONFLICT,
    PM,
    SESSION_UNAVAILABLE,
    UNKNOWN,
    Meeting,
    Options,
    Participant,
    Phase,
    Placement,
    Reason,
    Schedule,
    Slot,
    Table,
    count_breaks,
)
from .solver import solve

__all__ = [
    "AM",
    "FEASIBLE",
    "INFEASIBLE",
    "NOT_SCHEDULED",
    "NO_TABLE_BIG_ENOUGH",
    "OPTIMAL",
    "OVER_SUBSCRIBED",
    "PARTICIPANT_UNAVAILABLE",
    "PINNED_CONFLICT",
    "PM",
    "SESSION_UNAVAILABLE",
    "UNKNOWN",
    "Meeting",
    "Options",
    "Participant",
    "Phase",
    "Placement",
    "Reason",
    "Schedule",
    "Slot",
    "Table",
    "count_breaks",
    "solve",
]
