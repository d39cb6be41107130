"""The status of each DAG node in one instance, for `waymark graph --instance` and progress.

Durable nodes take theirs from the records (each attempt's latest try, each sleep's timer, each
signal wait),
at the site each record names (`_placement`); other nodes are proven to have run by control flow (a node that ran leads
only to them, or they dominate one that ran), or are left without a status. Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from waymark_compiler.cli._placement import Placement, Snapshot
from waymark_compiler.graph import NodeState, NodeStatus
from waymark_runtime.dag import Dag

ACTIVE: frozenset[str] = frozenset({"done", "running", "waiting", "failed"})
_DURABLE = frozenset({"action", "gather", "join", "sleep", "call", "child", "signal"})
_DOMINANCE_LIMIT = 1_500  # nodes
# When several occurrences share a site, the site shows the most pressing of their statuses.
_PRIORITY: dict[NodeStatus, int] = {
    "running": 4,
    "waiting": 3,
    "failed": 2,
    "done": 1,
    "not reached": 0,
}


def occurrence_statuses(snapshot: Snapshot, placement: Placement) -> dict[str, NodeStatus]:
    """The status of every occurrence: attempts by their latest try, sleeps by their timer."""
    latest: dict[str, dict[str, Any]] = {}
    for row in snapshot.attempts:
        if row["node"] not in latest or row["attempt"] > latest[row["node"]]["attempt"]:
            latest[row["node"]] = row
    statuses = {node: _attempt_status(row) for node, row in latest.items()}
    for occurrence, over in placement.sleeps.items():
        statuses[occurrence] = "done" if over else "waiting"
    for occurrence, ended in placement.waits.items():
        statuses[occurrence] = _wait_status(snapshot, placement, occurrence, ended)
    return statuses


def _wait_status(
    snapshot: Snapshot, placement: Placement, occurrence: str, ended: float | None
) -> NodeStatus:
    """A signal wait waits until a signal answers it or its timeout passes (done); one still
    open when its instance ended unsuccessfully (cancelled, past its deadline) failed."""
    if ended is None:
        return "waiting"
    answered = occurrence in placement.answered or snapshot.status == "completed"
    if answered or snapshot.finished_at is None or ended < snapshot.finished_at:
        return "done"
    return "failed"


def _attempt_status(row: dict[str, Any]) -> NodeStatus:
    status = row["status"]
    if status == "completed":
        return "done"
    if status == "running":
        return "running"
    if status == "failed":
        return "failed"
    return "waiting"  # queued: a worker or a backoff delay away


def node_states(dag: Dag, snapshot: Snapshot, placement: Placement) -> dict[str, NodeState]:
    """The status of each DAG node the records say something about.

    Durable nodes (actions, gathers, sleeps, helper calls) get theirs from the records;
    `not reached` when nothing was dispatched there. Other nodes are `done` when a node that
    ran leads only to them, or when they lie on every path to a node that ran; they get no
    status when the records cannot tell.
    """
    by_site: dict[str, list[NodeStatus]] = {}
    for occurrence, status in occurrence_statuses(snapshot, placement).items():
        site = placement.sites.get(occurrence)
        if site is not None:
            by_site.setdefault(site, []).append(status)
    states = {site: _aggregate(statuses) for site, statuses in by_site.items()}
    _fan_in(dag, states)
    _helper_calls(dag, placement, states)
    _ends(dag, snapshot, states)
    _failure_point(dag, snapshot, states)
    _fall_through(dag, states)
    _dominators_ran(dag, states)
    for node in dag.nodes:
        if node.kind in _DURABLE and node.id not in states:
            states[node.id] = NodeState("not reached")
    return states


def _aggregate(statuses: Sequence[NodeStatus]) -> NodeState:
    status = max(statuses, key=_PRIORITY.__getitem__)
    if len(statuses) == 1:
        return NodeState(status)
    counts = {s: statuses.count(s) for s in _PRIORITY if s in statuses}
    detail = ", ".join(f"{count} {s}" for s, count in counts.items())
    return NodeState(status, f"\u00d7{len(statuses)}: {detail}")


def _fan_in(dag: Dag, states: dict[str, NodeState]) -> None:
    """A gather is done once it fanned out; its join shows how collecting the items goes."""
    for gather in (node for node in dag.nodes if node.kind == "gather"):
        items = [
            states[node.id]
            for node in dag.nodes
            if node.id.rpartition(".")[0] == gather.id and node.id in states
        ]
        if not items:
            continue
        states[gather.id] = NodeState("done")
        collected = _aggregate([item.status for item in items]).status
        join = "waiting" if collected == "running" else collected
        states[f"{gather.id}.join"] = NodeState(join)


def _helper_calls(dag: Dag, placement: Placement, states: dict[str, NodeState]) -> None:
    """A helper call is running while something under it is open, else done once entered."""
    for node in dag.nodes:
        if node.kind == "call" and node.id in placement.active:
            states[node.id] = NodeState("running")
        elif node.kind == "call" and node.id in placement.calls:
            states.setdefault(node.id, NodeState("done"))


def _ends(dag: Dag, snapshot: Snapshot, states: dict[str, NodeState]) -> None:
    states["run.start"] = NodeState("done")
    if snapshot.status == "completed":
        states["run.end"] = NodeState("done")


def _failure_point(dag: Dag, snapshot: Snapshot, states: dict[str, NodeState]) -> None:
    """The statement a failure escaped from (`raise`, a bad expression) is marked failed."""
    error = snapshot.error
    where = error.get("where") if isinstance(error, dict) else None
    if not isinstance(where, dict):
        return
    for node in dag.nodes:
        span = node.span
        on_line = span is not None and span.line == where.get("line")
        if on_line and node.function == where.get("function") and node.kind not in _DURABLE:
            states[node.id] = NodeState("failed")


def _fall_through(dag: Dag, states: dict[str, NodeState]) -> None:
    """A node that ran to completion and has one way on leads there: that node ran too,
    unless it is durable (an action, a sleep, ...): only its records say whether it ran, and
    an instance cancelled before it (whose pending sleep a cancel deletes) never got there."""
    durable = {node.id for node in dag.nodes if node.kind in _DURABLE}
    onward: dict[str, list[str]] = {}
    for edge in dag.edges:
        if edge.kind == "next":
            onward.setdefault(edge.source, []).append(edge.target)
    frontier = [node for node, state in states.items() if state.status == "done"]
    while frontier:
        targets = onward.get(frontier.pop(), [])
        if len(targets) == 1 and targets[0] not in states and targets[0] not in durable:
            states[targets[0]] = NodeState("done")
            frontier.append(targets[0])


def _dominators_ran(dag: Dag, states: dict[str, NodeState]) -> None:
    """Nodes on every path from the start to a node that ran have run too."""
    if len(dag.nodes) > _DOMINANCE_LIMIT:
        return
    ran = [node_id for node_id, state in states.items() if state.status in ACTIVE]
    dominators = _dominators(dag, "run.start")
    proven = set().union(*(dominators.get(node_id, set()) for node_id in ran))
    for node_id in proven:
        states.setdefault(node_id, NodeState("done"))


def _dominators(dag: Dag, entry: str) -> dict[str, set[str]]:
    """Iterative dominator sets over the nodes reachable from `entry` (graphs are small)."""
    successors: dict[str, list[str]] = {}
    for edge in dag.edges:
        successors.setdefault(edge.source, []).append(edge.target)
    order = _reachable(entry, successors)
    reachable = set(order)
    predecessors: dict[str, list[str]] = {node: [] for node in order}
    for edge in dag.edges:
        if edge.source in reachable and edge.target in reachable:
            predecessors[edge.target].append(edge.source)
    dominators = {node: set(reachable) for node in order}
    dominators[entry] = {entry}
    changed = True
    while changed:
        changed = False
        for node in order[1:]:
            common = set.intersection(*(dominators[p] for p in predecessors[node]))
            new = common | {node}
            if new != dominators[node]:
                dominators[node], changed = new, True
    return dominators


def _reachable(entry: str, successors: Mapping[str, Iterable[str]]) -> list[str]:
    order, seen = [entry], {entry}
    for node in order:  # grows while iterating: a breadth-first walk
        for target in successors.get(node, ()):
            if target not in seen:
                seen.add(target)
                order.append(target)
    return order
