"""Which DAG node each recorded attempt and sleep of an instance came from (`trace_instance`).

The runtime names attempts by occurrence (`n1`, `n2`, ... in dispatch order), not by call site.
The interpreter is pure, so the site of each occurrence is re-derived here: the recorded results
are fed back to it in the order they finished, and every dispatch is matched with the await it
came from. Inspection only: nothing is written or imported. Where a replay cannot go on (a class
the type registry does not hold), the rest is placed by action only when it has one call site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime import interpreter, ir
from waymark_runtime.dag import Dag, Node
from waymark_runtime.effects import (
    ActionFinished,
    DispatchAction,
    Effect,
    Event,
    SleepFinished,
    StartChild,
    StartSleep,
)
from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter.program import compiled
from waymark_runtime.values import TypeResolver

_AWAIT_KINDS = {"action": "actions", "gather": "actions", "sleep": "sleep", "call": "call"}
_AWAIT_KINDS["child"] = "actions"  # a child workflow call waits as an action does
_REPLAY_LIMIT = 20_000  # events; beyond it an inspection is not worth its cost


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
    return not (node.kind in ("action", "child") and node.id.rpartition(".")[0] in gathers)


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
            if isinstance(effect, DispatchAction | StartChild):
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
