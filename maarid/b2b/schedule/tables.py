"""Tables, assigned once the slots are fixed: per slot in time order, a min-cost matching that
keeps people at the table of their previous meeting. See ``docs/b2b-scheduler.md``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ortools.graph.python import min_cost_flow

from .problem import Problem, Slots


def assign_tables(pb: Problem, slot_of: Slots) -> dict[int, int]:
    """Meeting position -> table position, slot by slot in time order: a min-cost matching that
    seats each meeting at a table big enough and rewards every person who stays at the table of
    their previous meeting that day. Pinned tables are fixed first. The count constraints of
    the model guarantee that a full matching exists (nested capacities: Hall's condition)."""
    at_slot: defaultdict[int, list[int]] = defaultdict(list)
    for i, t in slot_of.items():
        at_slot[t].append(i)
    last_table: dict[tuple[int, int], int] = {}  # (person, day) -> table position
    out: dict[int, int] = {}
    for t in sorted(at_slot):
        meetings = sorted(at_slot[t])
        pinned = {i: pb.pin_table[i] for i in meetings if i in pb.pin_table}
        free_tables = [k for k in range(len(pb.tables)) if k not in set(pinned.values())]
        loose = [i for i in meetings if i not in pinned]
        chosen = dict(pinned)
        chosen.update(_match(pb, loose, free_tables, last_table, pb.day_of[t]))
        for i, k in chosen.items():
            for p in pb.members[i]:
                last_table[p, pb.day_of[t]] = k
        out.update(chosen)
    return out


def _match(
    pb: Problem,
    meetings: list[int],
    tables: list[int],
    last_table: Mapping[tuple[int, int], int],
    day: int,
) -> dict[int, int]:
    if not meetings:
        return {}
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    m_node = {i: 2 + n for n, i in enumerate(meetings)}
    t_node = {k: 2 + len(meetings) + n for n, k in enumerate(tables)}
    for i in meetings:
        flow.add_arc_with_capacity_and_unit_cost(source, m_node[i], 1, 0)
        size = len(pb.members[i])
        stay: defaultdict[int, int] = defaultdict(int)
        for p in pb.members[i]:
            if (p, day) in last_table:
                stay[last_table[p, day]] += 1
        for k in tables:
            if pb.tables[k].capacity >= size:
                # Prefer staying; then the smallest table that fits (keeps big ones free).
                cost = -1000 * stay.get(k, 0) + pb.tables[k].capacity
                flow.add_arc_with_capacity_and_unit_cost(m_node[i], t_node[k], 1, cost)
    for k in tables:
        flow.add_arc_with_capacity_and_unit_cost(t_node[k], sink, 1, 0)
    flow.set_node_supply(source, len(meetings))
    flow.set_node_supply(sink, -len(meetings))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("no table matching: the table count constraints are wrong")
    out: dict[int, int] = {}
    node_meeting = {n: i for i, n in m_node.items()}
    node_table = {n: k for k, n in t_node.items()}
    for arc in range(flow.num_arcs()):
        if flow.flow(arc) and flow.tail(arc) in node_meeting and flow.head(arc) in node_table:
            out[node_meeting[flow.tail(arc)]] = node_table[flow.head(arc)]
    return out


def table_changes(pb: Problem, slot_of: Slots, tables: Mapping[int, int]) -> int:
    """How many times someone changes table between two consecutive meetings of a day."""
    seq: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for i, t in sorted(slot_of.items(), key=lambda item: item[1]):
        for p in pb.members[i]:
            seq[p, pb.day_of[t]].append(tables[i])
    return sum(sum(1 for a, b in zip(s, s[1:], strict=False) if a != b) for s in seq.values())
