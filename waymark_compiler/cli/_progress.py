"""Progress of one instance while `waymark run` waits on it, drawn from polled snapshots.

On a terminal: a live rich tree of the workflow's call sites, each with its calls, status,
tries and durations, redrawn a few times a second. Elsewhere (CI, pipes): one plain line per
change (started, done, failed, retried, sleeping), never a redraw. Everything goes to stderr;
stdout is kept for the result. It only renders what the snapshot and `_placement` say.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from waymark_compiler.cli._output import err, printable, use_color
from waymark_compiler.cli._placement import Placement, Snapshot
from waymark_compiler.cli._show import duration, node_label, seconds
from waymark_compiler.cli._status import occurrence_statuses
from waymark_compiler.cli._values import call_text, clip, exception_text
from waymark_compiler.graph import NodeStatus

if TYPE_CHECKING:
    from rich.live import Live
    from rich.tree import Tree

    from waymark_runtime.dag import Dag

_ICONS: dict[str, tuple[str, str]] = {
    "done": ("\u2713", "green"),
    "running": ("\u25cf", "cyan"),
    "waiting": ("\u25cb", "yellow"),
    "failed": ("\u2717", "red"),
    "not reached": ("\u00b7", "dim"),
}
_SHOWN_PER_SITE = 12


class Progress(Protocol):
    def update(
        self, snapshot: Snapshot, dag: Dag | None, placement: Placement, now: float
    ) -> None: ...

    def close(self) -> None: ...


def progress_view(quiet: bool) -> Progress:
    """A live tree on a terminal, plain lines elsewhere, nothing with `--quiet`."""
    if quiet:
        return _Silent()
    if sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
        return _LiveTree()
    return _LineLog()


class _Silent:
    def update(self, snapshot: Snapshot, dag: Dag | None, placement: Placement, now: float) -> None:
        return None

    def close(self) -> None:
        return None


def _when(call: Call, now: float) -> float:
    """When the reported change happened: the attempt's own times, else now."""
    row = call.row or {}
    moment = row.get("finished_at") or row.get("started_at")
    return float(moment) if moment is not None else now


# the model both views draw ---------------------------------------------------------------------


@dataclass(slots=True)
class Call:
    """One occurrence: an action call (its latest try), a durable sleep or a signal wait
    (`wait`, its record)."""

    occurrence: str
    status: NodeStatus
    row: dict[str, Any] | None
    wake_at: float | None = None
    wait: dict[str, Any] | None = None
    failure: Any = None  # the error of the try before the latest one, if it failed


@dataclass(slots=True)
class Site:
    """A call site of the workflow and the calls it made, in dispatch order."""

    key: str
    label: str
    line: int | None
    calls: list[Call] = field(default_factory=list)


def sites(snapshot: Snapshot, dag: Dag | None, placement: Placement) -> list[Site]:
    """Calls grouped by call site (a gather's items under the gather), first dispatch first."""
    labels = {node.id: node_label(node) for node in dag.nodes} if dag else {}
    kinds: dict[str, str] = {node.id: node.kind for node in dag.nodes} if dag else {}
    latest = _latest_rows(snapshot)
    errors = {(row["node"], row["attempt"]): row["error"] for row in snapshot.attempts}
    waits = {row["node"]: row for row in snapshot.signals if row["kind"] == "wait"}
    grouped: dict[str, Site] = {}
    for occurrence, status in sorted(
        occurrence_statuses(snapshot, placement).items(), key=lambda item: _number(item[0])
    ):
        key = _group(placement.sites.get(occurrence), kinds, latest.get(occurrence))
        site = grouped.get(key)
        if site is None:
            label = _site_label(key, labels, kinds)
            site = grouped[key] = Site(key, label, placement.lines.get(occurrence))
        row = latest.get(occurrence)
        call = Call(occurrence, status, row, snapshot.timers.get(occurrence), waits.get(occurrence))
        if row is not None and row["attempt"] > 1:
            call.failure = errors.get((occurrence, row["attempt"] - 1))
        site.calls.append(call)
    return list(grouped.values())


def _latest_rows(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for row in snapshot.attempts:
        if row["node"] not in latest or row["attempt"] > latest[row["node"]]["attempt"]:
            latest[row["node"]] = row
    return latest


def _group(site: str | None, kinds: dict[str, str], row: dict[str, Any] | None) -> str:
    if site is None:  # recorded without a site (before sites were): group by action
        return f"action:{row['action'] if row else '?'}"
    parent = site.rpartition(".")[0]
    return parent if kinds.get(parent) == "gather" else site


def _site_label(key: str, labels: dict[str, str], kinds: dict[str, str]) -> str:
    if key.startswith("action:"):
        return printable(key.partition(":")[2].rpartition(":")[2])
    if kinds.get(key) == "gather":
        return f"{labels.get(f'{key}.join', 'join').removesuffix('join')}gather"
    return labels.get(key, key)


def _number(occurrence: str) -> int:
    digits = occurrence.lstrip("n")
    return int(digits) if digits.isdigit() else 0


def call_summary(call: Call, label: str, now: float) -> str:
    """`send_email(to="u1@example.com") · done in 12ms`, or the sleep's state."""
    if call.wait is not None:
        return f"{label} \u00b7 {_waiting(call.status, call.wait, now)}"
    if call.row is None:
        if call.status == "done":
            return f"{label} \u00b7 done"
        if call.wake_at is None or call.wake_at <= now:
            return f"{label} \u00b7 sleeping, due now"
        return f"{label} \u00b7 sleeping, {seconds(call.wake_at - now)} left"
    row = call.row
    text = clip(call_text(row["action"], row["args"], row["kwargs"]), 70)
    return f"{text} \u00b7 {_state(call, row, now)}"


def _waiting(status: NodeStatus, wait: dict[str, Any], now: float) -> str:
    """A signal wait's state: waiting (and how long until its timeout), or how it ended."""
    if status != "waiting":
        return "done" if status == "done" else status
    ends = wait.get("times_out_at")
    if ends is None:
        return "waiting for a signal"
    return f"waiting for a signal, times out in {seconds(max(ends - now, 0.0))}"


def _state(call: Call, row: dict[str, Any], now: float) -> str:
    tries = row["attempt"]
    suffix = f" (try {tries})" if tries > 1 else ""
    if call.status == "done":
        return f"done in {seconds(duration(row))}{suffix}"
    if call.status == "failed":
        return f"failed{suffix}: {clip(exception_text(row['error']), 60)}"
    if call.status == "running":
        started = row["started_at"] or now
        return f"running {seconds(max(now - started, 0.0))}{suffix}"
    if row["ready_at"] and row["ready_at"] > now:
        failed = f"try {tries - 1} failed ({clip(exception_text(call.failure), 50)}), "
        return f"{failed if call.failure is not None else ''}retry {tries} in " + seconds(
            row["ready_at"] - now
        )
    return f"queued{suffix}"


def headline(snapshot: Snapshot, now: float) -> str:
    took = (snapshot.finished_at or now) - snapshot.created_at
    text = f"{snapshot.workflow} {snapshot.id} \u00b7 {snapshot.status} \u00b7 {seconds(took)}"
    return printable(text)


# on a terminal ---------------------------------------------------------------------------------


class _LiveTree:
    def __init__(self) -> None:
        from rich.console import Console

        color = use_color(sys.stderr)
        self.console = Console(
            stderr=True, highlight=False, force_terminal=True, no_color=not color
        )
        self.live: Live | None = None

    def update(self, snapshot: Snapshot, dag: Dag | None, placement: Placement, now: float) -> None:
        from rich.live import Live

        tree = self.tree(snapshot, dag, placement, now)
        if self.live is None:
            self.live = Live(tree, console=self.console, refresh_per_second=8, transient=False)
            self.live.start()
        else:
            self.live.update(tree)

    def tree(self, snapshot: Snapshot, dag: Dag | None, placement: Placement, now: float) -> Tree:
        from rich.markup import escape
        from rich.tree import Tree

        root = Tree(f"[bold]{escape(headline(snapshot, now))}[/bold]")
        for site in sites(snapshot, dag, placement):
            where = f"[dim]line {site.line}[/dim] " if site.line else ""
            statuses = [call.status for call in site.calls]
            if len(site.calls) == 1:
                call = site.calls[0]
                root.add(
                    f"{_icon(call.status)} {where}{escape(call_summary(call, site.label, now))}"
                )
                continue
            branch = root.add(f"{_icon(_worst(statuses))} {where}{escape(site.label)} "
                              f"[dim]{escape(_counts(statuses))}[/dim]")  # fmt: skip
            for call in site.calls[:_SHOWN_PER_SITE]:
                branch.add(f"{_icon(call.status)} {escape(call_summary(call, site.label, now))}")
            if len(site.calls) > _SHOWN_PER_SITE:
                branch.add(f"[dim]\u2026 {len(site.calls) - _SHOWN_PER_SITE} more[/dim]")
        return root

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def _icon(status: NodeStatus) -> str:
    icon, style = _ICONS[status]
    return f"[{style}]{icon}[/{style}]"


def _worst(statuses: list[NodeStatus]) -> NodeStatus:
    order: list[NodeStatus] = ["running", "waiting", "failed", "done"]
    return next((status for status in order if status in statuses), "not reached")


def _counts(statuses: list[NodeStatus]) -> str:
    counts = {status: statuses.count(status) for status in _ICONS if status in statuses}
    return f"{len(statuses)} calls: " + ", ".join(f"{n} {s}" for s, n in counts.items())


# elsewhere: one line per change ---------------------------------------------------------------


class _LineLog:
    """One line per change, stamped with the seconds since the instance was created. A poll's
    changes are printed in the order they happened, and a stamp never goes below the one printed
    before it (a change seen late, e.g. an attempt that finished before the previous poll's
    report, is stamped when it is reported), so the column only goes forward."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[int, str]] = {}
        self.started = False
        self.last = 0.0

    def update(self, snapshot: Snapshot, dag: Dag | None, placement: Placement, now: float) -> None:
        if not self.started:
            err(printable(f"running {snapshot.workflow} {snapshot.id}"))
            self.started = True
        calls = [(call, site) for site in sites(snapshot, dag, placement) for call in site.calls]
        changes = [
            (_when(call, now), _number(call.occurrence), call, site)
            for call, site in sorted(calls, key=lambda pair: _number(pair[0].occurrence))
            if self._changed(call)
        ]
        for moment, _, call, site in sorted(changes, key=lambda change: change[:2]):
            self.last = max(moment - snapshot.created_at, self.last, 0.0)
            where = f"line {site.line}: " if site.line else ""
            summary = call_summary(call, site.label, now)
            err(f"[{seconds(self.last):>6}] {call.occurrence} {where}{summary}")

    def _changed(self, call: Call) -> bool:
        """Whether `call` shows something not reported yet (a queued first try is not shown:
        its start follows at once)."""
        tries = call.row["attempt"] if call.row else 1
        key = (tries, call.status)
        if self.seen.get(call.occurrence) == key:
            return False
        self.seen[call.occurrence] = key
        return not (call.status == "waiting" and call.row is not None and tries == 1)

    def close(self) -> None:
        return None
