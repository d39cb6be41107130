"""Which DAG node each recorded attempt and sleep of an instance came from, and node statuses.

The runtime names attempts by occurrence (`n1`, `n2`, ... in dispatch order), not by call site.
The interpreter is pure, so the site of each occurrence is re-derived here: the recorded results
are fed back to it in the order they finished, and every dispatch is matched with the await it
came from. Inspection only: nothing is written, and a replay that cannot go on (say, a class that
is not loaded in this process) leaves the later occurrences unmapped rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_compiler.graph import NodeState, NodeStatus
from waymark_runtime import interpreter, ir
from waymark_runtime.dag import Dag, Node
from waymark_runtime.effects import (
    ActionFinished,
    DispatchAction,
    Effect,
    Event,
    SleepFinished,
    StartSleep,
)
from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter.program import compiled
from waymark_runtime.values import TypeResolver

ACTIVE: frozenset[str] = frozenset({"done", "running", "waiting", "failed"})
_AWAIT_KINDS = {"action": "actions", "gather": "actions", "sleep": "sleep", "call": "call"}
_DURABLE = frozenset({"action", "gather", "join", "sleep", "call"})
_REPLAY_LIMIT = 20_000  # events; beyond it an inspection is not worth its cost
_DOMINANCE_LIMIT = 1_500  # nodes
# When several occurrences share a site, the site shows the most pressing of their statuses.
_PRIORITY: dict[NodeStatus, int] = {
    "running": 4,
    "waiting": 3,
    "failed": 2,
    "done": 1,
    "not reached": 0,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """What the database holds about one instance; times are epoch seconds.

    `status` is the stored one, except `cancelled` for an instance failed by a cancel.
    `attempts` are rows of the `instance_attempts` query, `timers` the pending sleeps.
    """

    id: str
    workflow: str
    version: str
    status: str
    priority: int
    inputs: dict[str, Any]
    result: Any
    error: Any
    created_at: float
    updated_at: float
    finished_at: float | None
    attempts: list[dict[str, Any]]
    timers: dict[str, float]
    program: ir.Workflow | None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(slots=True)
class Trace:
    """The replay's findings: the DAG node and source line of each occurrence, its sleeps (and
    whether each is over), the helper calls it saw in progress (`calls`) and those still in
    progress where it stopped (`stack`), and the occurrences still awaited (`pending`)."""

    sites: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    sleeps: dict[str, bool] = field(default_factory=dict)
    calls: set[str] = field(default_factory=set)
    stack: tuple[str, ...] = ()
    pending: set[str] = field(default_factory=set)


def await_sites(program: ir.Workflow, dag: Dag) -> dict[tuple[str, int], Node]:
    """`(function, pc) -> DAG node` for every await the interpreter compiled.

    Both sides list a function's awaits in statement order (the DAG in build order, the code by
    pc); a function whose lists disagree in length or kind is left out rather than mismatched.
    """
    code = compiled(program)
    gathers = {node.id for node in dag.nodes if node.kind == "gather"}
    sites: dict[tuple[str, int], Node] = {}
    for name, function in code.functions.items():
        nodes = [n for n in dag.nodes if n.function == name and _is_await(n, gathers)]
        pcs = sorted(function.awaits)
        if len(pcs) != len(nodes):
            continue
        pairs = list(zip(pcs, nodes, strict=True))
        if all(_AWAIT_KINDS[n.kind] == function.awaits[pc].kind for pc, n in pairs):
            sites.update({(name, pc): node for pc, node in pairs})
    return sites


def _is_await(node: Node, gathers: set[str]) -> bool:
    if node.kind not in _AWAIT_KINDS:
        return False
    return not (node.kind == "action" and node.id.rpartition(".")[0] in gathers)


class _Replay:
    """Drives the interpreter over the recorded results, noting where each dispatch came from."""

    def __init__(self, snapshot: Snapshot, dag: Dag, types: TypeResolver | None) -> None:
        assert snapshot.program is not None
        self.program = snapshot.program
        self.snapshot = snapshot
        self.sites = await_sites(self.program, dag)
        self.code = compiled(self.program)
        self.types = types
        self.trace = Trace()
        self.finished = {
            (row["node"], row["attempt"]): row
            for row in snapshot.attempts
            if row["status"] in ("completed", "failed")
        }

    def run(self) -> Trace:
        try:
            state, effects = interpreter.start(self.program, self.snapshot.inputs, types=self.types)
            self.note(state, effects)
            for _ in range(_REPLAY_LIMIT):
                events = self.next_events(state)
                if not events:
                    break
                state, effects = interpreter.advance(self.program, state, events, types=self.types)
                self.note(state, effects)
        except (WaymarkError, KeyError, TypeError, ValueError):
            return self.trace  # what was mapped so far stays; the rest shows as unmapped
        self.trace.stack = self.call_stack(state)
        wait = state.get("wait") or {}
        self.trace.pending = {e["node"] for e in wait.get("nodes", ()) if e["status"] == "pending"}
        return self.trace

    def next_events(self, state: dict[str, Any]) -> list[Event]:
        """The recorded outcomes of what the paused instance waits on, oldest first."""
        wait = state.get("wait")
        if state.get("status") != "running" or not wait:
            return []
        if wait.get("kind") == "sleep":
            node = wait["node"]
            if not self.sleep_over(node):
                return []
            self.trace.sleeps[node] = True
            return [SleepFinished(node=node)]
        rows = [
            self.finished[key]
            for key in (
                (e["node"], e["attempt"]) for e in wait["nodes"] if e["status"] == "pending"
            )
            if key in self.finished
        ]
        rows.sort(key=lambda row: (row["finished_at"] or 0.0, _number(row["node"])))
        return [_event(row) for row in rows]

    def sleep_over(self, node: str) -> bool:
        """A sleep's row is deleted once it is over, but the replay may be ahead of the
        database: it is over only when something that came after it is recorded too."""
        if node in self.snapshot.timers:
            return False
        if self.snapshot.finished and self.snapshot.status != "cancelled":
            return True  # a cancel deletes pending sleeps: those were not over
        later = [*(row["node"] for row in self.snapshot.attempts), *self.snapshot.timers]
        return any(_number(other) > _number(node) for other in later)

    def note(self, state: dict[str, Any], effects: Sequence[Effect]) -> None:
        """Everything dispatched by one step comes from the await the top frame stopped at."""
        frames = state.get("frames") or []
        self.trace.calls.update(self.call_stack(state))
        if not frames:
            return
        function, pc = frames[-1]["fn"], frames[-1]["pc"]
        node = self.sites.get((function, pc))
        if node is None:
            return
        line = self.code.functions[function].lines[pc]
        items = {e["node"]: e["item"] for e in (state.get("wait") or {}).get("nodes", ())}
        for effect in effects:
            if isinstance(effect, DispatchAction):
                site = f"{node.id}.{items[effect.node]}" if node.kind == "gather" else node.id
                self.trace.sites[effect.node], self.trace.lines[effect.node] = site, line
            elif isinstance(effect, StartSleep):
                self.trace.sites[effect.node], self.trace.lines[effect.node] = node.id, line
                self.trace.sleeps[effect.node] = False

    def call_stack(self, state: dict[str, Any]) -> tuple[str, ...]:
        frames = state.get("frames") or []
        found = (self.sites.get((frame["fn"], frame["pc"])) for frame in frames[:-1])
        return tuple(node.id for node in found if node is not None)


def _event(row: dict[str, Any]) -> ActionFinished:
    ok = row["status"] == "completed"
    value = row["result"] if ok else row["error"]
    return ActionFinished(node=row["node"], attempt=row["attempt"], ok=ok, value=value)


def _number(occurrence: str) -> int:
    digits = occurrence.lstrip("n")
    return int(digits) if digits.isdigit() else 0


def trace_instance(snapshot: Snapshot, dag: Dag, types: TypeResolver | None = None) -> Trace:
    """Map the snapshot's occurrences to DAG nodes by replaying its recorded results; what the
    replay could not reach is placed by action when the action has a single call site."""
    if snapshot.program is None:
        return Trace()
    trace = _Replay(snapshot, dag, types).run()
    _place_by_action(trace, snapshot, dag)
    return trace


def _place_by_action(trace: Trace, snapshot: Snapshot, dag: Dag) -> None:
    sites: dict[str, list[str]] = {}
    for node in dag.nodes:
        if node.kind == "action":
            sites.setdefault(node.detail, []).append(node.id)
    for row in snapshot.attempts:
        found = sites.get(row["action"], [])
        if row["node"] not in trace.sites and len(found) == 1:
            trace.sites[row["node"]] = found[0]


def action_modules(dag: Dag) -> list[str]:
    """The modules a program's actions live in (from their `module:function` paths)."""
    paths = {node.detail for node in dag.nodes if node.kind == "action"}
    return sorted({path.partition(":")[0] for path in paths})


# ---------------------------------------------------------------------------------------------
# Node statuses for `waymark graph --instance`
# ---------------------------------------------------------------------------------------------


def occurrence_statuses(snapshot: Snapshot, trace: Trace) -> dict[str, NodeStatus]:
    """The status of every occurrence: attempts by their latest try, sleeps by their timer."""
    latest: dict[str, dict[str, Any]] = {}
    for row in snapshot.attempts:
        if row["node"] not in latest or row["attempt"] > latest[row["node"]]["attempt"]:
            latest[row["node"]] = row
    statuses = {node: _attempt_status(row, trace) for node, row in latest.items()}
    for occurrence, over in trace.sleeps.items():
        statuses[occurrence] = "done" if over else "waiting"
    return statuses


def _attempt_status(row: dict[str, Any], trace: Trace) -> NodeStatus:
    status = row["status"]
    if status == "completed":
        return "done"
    if status == "running":
        return "running"
    if status == "failed" and row["node"] not in trace.pending:
        return "failed"
    return "waiting"  # queued (a worker or a backoff delay away), or failed with a retry to come


def node_states(dag: Dag, snapshot: Snapshot, trace: Trace) -> dict[str, NodeState]:
    """The status of each DAG node the records say something about.

    Durable nodes (actions, gathers, sleeps, helper calls) get theirs from the records;
    `not reached` when nothing was dispatched there. Other nodes are `done` when a node that
    ran leads only to them, or when they lie on every path to a node that ran; they get no
    status when the records cannot tell.
    """
    by_site: dict[str, list[NodeStatus]] = {}
    for occurrence, status in occurrence_statuses(snapshot, trace).items():
        site = trace.sites.get(occurrence)
        if site is not None:
            by_site.setdefault(site, []).append(status)
    states = {site: _aggregate(statuses) for site, statuses in by_site.items()}
    _fan_in(dag, states)
    _helper_calls(dag, trace, states)
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


def _helper_calls(dag: Dag, trace: Trace, states: dict[str, NodeState]) -> None:
    for node in dag.nodes:
        if node.kind == "call" and node.id in trace.stack:
            states[node.id] = NodeState("running")
        elif node.kind == "call" and node.id in trace.calls:
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
    """A node that ran to completion and has one way on leads there: that node ran too."""
    onward: dict[str, list[str]] = {}
    for edge in dag.edges:
        if edge.kind == "next":
            onward.setdefault(edge.source, []).append(edge.target)
    frontier = [node for node, state in states.items() if state.status == "done"]
    while frontier:
        targets = onward.get(frontier.pop(), [])
        if len(targets) == 1 and targets[0] not in states:
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
