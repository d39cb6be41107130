"""Where each recorded attempt, sleep and signal wait of an instance sits in its DAG (`place`).

Nothing is replayed, run or imported: every attempt and sleep row names its call site (the DAG
node `waymark graph` draws) and iteration, as the interpreter recorded them when it dispatched
(see docs/runtime.md). This module reads those columns, adds the source line of each site, and
collects the helper calls the iteration paths pass through. Rows recorded before sites were
(NULL) are placed by action when the action has a single call site, else left unplaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from waymark_runtime import ir
from waymark_runtime.dag import Dag

_OPEN = frozenset({"queued", "running"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """What the database holds about one instance; times are epoch seconds.

    `attempts` are rows of the `instance_attempts` query (with `site` and `iteration`),
    `sleeps` rows of `instance_timers` (finished ones too), `timers` the pending sleeps' wake
    times, `program` the stored program (parsed `.wrl`; None when unreadable), `signals` rows of
    `instance_signals` (its signal waits and the signals sent to it).
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
    sleeps: list[dict[str, Any]]
    program: ir.Workflow | None
    signals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def timers(self) -> dict[str, float]:
        """Pending sleeps: occurrence -> wake time."""
        return {s["node"]: s["wake_at"] for s in self.sleeps if s["finished_at"] is None}


@dataclass(slots=True)
class Placement:
    """Per occurrence (`n1`, `n2`, ...): its DAG node (`sites`), the source line of that node
    (`lines`), its iteration (`iterations`); each sleep and whether it is over (`sleeps`); the
    helper calls the recorded paths went through (`calls`) and those still working (`active`);
    each signal wait with when it ended (`waits`, None while it waits) and the waits a signal
    answered (`answered`)."""

    sites: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    iterations: dict[str, tuple[int | str, ...]] = field(default_factory=dict)
    sleeps: dict[str, bool] = field(default_factory=dict)
    calls: set[str] = field(default_factory=set)
    active: set[str] = field(default_factory=set)
    waits: dict[str, float | None] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)


def place(snapshot: Snapshot, dag: Dag) -> Placement:
    """Read where every attempt and sleep of `snapshot` came from, on `dag` (the DAG of the
    instance's own stored program)."""
    placement = Placement()
    lines = {node.id: node.span.line for node in dag.nodes if node.span is not None}
    by_action = _single_sites(dag)
    latest: dict[str, dict[str, Any]] = {}
    for row in snapshot.attempts:
        if row["node"] not in latest or row["attempt"] > latest[row["node"]]["attempt"]:
            latest[row["node"]] = row
    for occurrence, row in latest.items():
        site = row.get("site") or by_action.get(row["action"])
        _note(placement, occurrence, site, row.get("iteration"), lines)
        _note_calls(placement, row.get("iteration"), row["status"] in _OPEN)
    for sleep in snapshot.sleeps:
        over = sleep["finished_at"] is not None
        placement.sleeps[sleep["node"]] = over
        _note(placement, sleep["node"], sleep["site"], sleep["iteration"], lines)
        _note_calls(placement, sleep["iteration"], not over)
    _place_waits(placement, snapshot.signals, lines)
    return placement


def _place_waits(
    placement: Placement, signals: list[dict[str, Any]], lines: dict[str, int]
) -> None:
    for row in signals:
        if row["kind"] == "signal" and row["node"] is not None:
            placement.answered.add(row["node"])
        elif row["kind"] == "wait" and row["node"] is not None:
            placement.waits[row["node"]] = row["done"]
            _note(placement, row["node"], row["site"], row["iteration"], lines)
            _note_calls(placement, row["iteration"], row["done"] is None)


def _note(
    placement: Placement, occurrence: str, site: str | None, path: Any, lines: dict[str, int]
) -> None:
    if site is None:
        return
    placement.sites[occurrence] = site
    placement.iterations[occurrence] = tuple(path or ())
    if site in lines:
        placement.lines[occurrence] = lines[site]


def _note_calls(placement: Placement, path: Any, open_: bool) -> None:
    """The helper calls on an iteration path (its strings) ran; still run while it is open."""
    calls = {step for step in path or () if isinstance(step, str)}
    placement.calls |= calls
    if open_:
        placement.active |= calls


def _single_sites(dag: Dag) -> dict[str, str]:
    """Action -> its call site, for actions called from one site only (for old rows)."""
    sites: dict[str, list[str]] = {}
    for node in dag.nodes:
        if node.kind == "action":
            sites.setdefault(node.detail, []).append(node.id)
    return {action: found[0] for action, found in sites.items() if len(found) == 1}


def iteration_text(path: tuple[int | str, ...] | None) -> str:
    """An iteration path for people: `2`, `1/run.3/0` (empty for a site run once)."""
    return "/".join(str(step) for step in path or ())
