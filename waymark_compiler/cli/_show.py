"""Rendering instances for people (rich tables) and scripts (JSON objects).

`waymark instances list/show` and `waymark run` print through here, so an instance reads the
same everywhere: times in UTC, durations in seconds, values as plain JSON (`_values`), each
attempt next to the line, node and iteration of the call that dispatched it (`_placement`),
as each attempt row records them. It only formats
the admin API's records (`waymark_runtime.admin`).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from waymark_compiler.cli._output import out, printable, use_color
from waymark_compiler.cli._values import call_text, cell, clip, compact, exception_text, plain

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from waymark_compiler.cli._placement import Placement
    from waymark_runtime.admin import (
        AttemptRecord,
        InstanceDetail,
        InstanceSummary,
        LogRecord,
        SignalRecord,
        SleepRecord,
    )
    from waymark_runtime.dag import Dag, Node


def when(moment: float | None) -> str:
    """Epoch seconds as a UTC time, `-` for none."""
    if moment is None:
        return "-"
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S")


def iso(moment: float | None) -> str | None:
    """Epoch seconds as an ISO 8601 UTC time, for JSON output."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


def seconds(amount: float | None) -> str:
    if amount is None:
        return "-"
    return f"{amount * 1000:.0f}ms" if amount < 1 else f"{amount:.1f}s"


def print_rich(renderable: RenderableType) -> None:
    """Rich output on stdout; without colour, lines carry no trailing padding."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else 240
    if use_color(sys.stdout):
        console = Console(file=sys.stdout, highlight=False, force_terminal=True, width=width)
        console.print(renderable)
        return
    buffer = io.StringIO()
    Console(file=buffer, highlight=False, color_system=None, width=width).print(renderable)
    out("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()))


# instances list -------------------------------------------------------------------------------


def list_table(items: Sequence[InstanceSummary], now: float) -> Table:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for title in ("ID", "WORKFLOW", "STATUS", "ATTEMPTS", "CREATED (UTC)", "DURATION"):
        table.add_column(title, no_wrap=True)
    for item in items:
        took = (item.finished_at or now) - item.created_at
        table.add_row(cell(item.id), cell(item.workflow), _styled(item.status),
                      str(item.attempt_count), when(item.created_at), seconds(took))  # fmt: skip
    return table


def list_json(item: InstanceSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "workflow": item.workflow,
        "version": item.version,
        "status": item.status,
        "priority": item.priority,
        "attempts": item.attempt_count,
        "created_at": iso(item.created_at),
        "finished_at": iso(item.finished_at),
    }


_STATUS_STYLES = {
    "completed": "green",
    "done": "green",
    "failed": "red",
    "cancelled": "magenta",
    "running": "cyan",
    "queued": "yellow",
    "waiting": "yellow",
}


def _styled(status: str) -> str:
    style = _STATUS_STYLES.get(status)
    return f"[{style}]{status}[/{style}]" if style else cell(status)


# instances show -------------------------------------------------------------------------------


_TEMPORARY = re.compile(r"^_wm_\d+ = ")


def node_label(node: Node) -> str:
    """A node's first label line, without the compiler's temporaries (`_wm_1 = `)."""
    return _TEMPORARY.sub("", node.label.split("\n")[0])


def sites_of(dag: Dag | None, placement: Placement) -> dict[str, str]:
    """Occurrence -> `line 12: users = fetch_users(user_ids)`, with its iteration (`[2]`)
    when the site runs more than once."""
    from waymark_compiler.cli._placement import iteration_text

    if dag is None:
        return {}
    labels = {node.id: node_label(node) for node in dag.nodes}
    shown = {}
    for occurrence, site in placement.sites.items():
        line = placement.lines.get(occurrence)
        where = f"line {line}: " if line else ""
        path = iteration_text(placement.iterations.get(occurrence))
        shown[occurrence] = f"{where}{labels.get(site, site)}" + (f" [{path}]" if path else "")
    return shown


def detail_renderables(
    detail: InstanceDetail, sites: dict[str, str], now: float
) -> list[RenderableType]:
    from rich.table import Table
    from rich.text import Text

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    for label, value in _details(detail, now):
        head.add_row(label, value)
    parts: list[RenderableType] = [head]
    if detail.attempts:
        parts += ["", attempts_table(detail, sites)]
    if detail.logs:
        parts += ["", Text("log:", style="bold"), log_table(detail)]
    for attempt in _raised(detail):
        title = f"traceback of {attempt.node} try {attempt.attempt} ({attempt.action}):"
        lines = (attempt.traceback or "").rstrip().splitlines()
        shown = "\n".join(printable(line) for line in lines)  # stored text: never raw controls
        parts += ["", Text(printable(title), style="bold"), Text(shown)]
    return parts


def _raised(detail: InstanceDetail) -> list[AttemptRecord]:
    """The last failed try of each node that recorded where it raised."""
    last = {a.node: a for a in detail.attempts if a.status == "failed" and a.traceback}
    return list(last.values())


def _details(detail: InstanceDetail, now: float) -> list[tuple[str, str]]:
    summary = detail.summary
    took = (summary.finished_at or now) - summary.created_at
    rows = [
        ("instance", cell(summary.id)),
        ("workflow", cell(f"{summary.workflow} (version {summary.version[:12]})")),
        ("status", _styled(summary.status)),
        ("created", f"{when(summary.created_at)} UTC"),
        ("finished" if summary.finished else f"{summary.status} for", _finished(summary, took)),
        ("inputs", cell(compact(plain(detail.inputs)))),
    ]
    if summary.status == "completed":
        rows.append(("result", cell(clip(compact(plain(detail.result)), 400))))
    if detail.error is not None:
        rows.append(("error", cell(exception_text(detail.error))))
    if detail.lease_owner is not None:
        rows.append(("held by", _lease_text(detail.lease_owner, detail.lease_expires_at, now)))
    for sleep in detail.sleeps:
        if not sleep.finished:
            rows.append(("sleeping", f"{cell(sleep.node)} until {when(sleep.wake_at)} UTC"))
    return rows + _signals(detail) + _family(detail)


def _signals(detail: InstanceDetail) -> list[tuple[str, str]]:
    """Pending signal waits, and every signal sent with who took it (or that none did)."""
    rows = []
    for record in detail.signals:
        name = cell(repr(record.name))
        if record.kind == "wait" and record.pending and not detail.summary.finished:
            rows.append(
                ("waiting", f"{cell(record.node or '-')} for signal {name}{_times_out(record)}")
            )
        elif record.kind == "signal":
            taken = f"taken by {cell(record.node)}" if record.node else "not taken yet"
            payload = cell(clip(compact(plain(record.payload)), 80))
            rows.append(("signal", f"{name} {payload}, sent {when(record.at)} UTC, {taken}"))
    return rows


def _times_out(wait: SignalRecord) -> str:
    """` (times out at ...)` for a wait with a timeout; nothing for one without."""
    return "" if wait.times_out_at is None else f" (times out at {when(wait.times_out_at)} UTC)"


def _family(detail: InstanceDetail) -> list[tuple[str, str]]:
    """The parent, and each child workflow instance with its status."""
    rows = [("parent", cell(detail.parent_id))] if detail.parent_id is not None else []
    for child in detail.children:
        text = f"{cell(child.id)} {cell(child.workflow)} {_styled(child.status)}"
        rows.append(("child", text))
    return rows


def _lease_text(owner: str, ends: float | None, now: float) -> str:
    """Who holds the instance, and until when; a lease past its end belongs to a runner that
    stopped renewing it (it died), and the next runner to look takes the instance over."""
    if ends is not None and ends < now:
        return f"{cell(owner)} (lease lapsed at {when(ends)} UTC; the next runner to look takes it over)"
    return f"{cell(owner)} (lease until {when(ends)} UTC)"


def _finished(summary: InstanceSummary, took: float) -> str:
    if summary.finished:
        return f"{when(summary.finished_at)} UTC (after {seconds(took)})"
    return seconds(took)


def attempts_table(detail: InstanceDetail, sites: dict[str, str]) -> Table:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    for title in ("NODE", "CALL SITE", "ACTION", "TRY", "STATUS", "OUTCOME", "STARTED", "TOOK"):
        table.add_column(title, no_wrap=title not in ("ACTION", "OUTCOME"))
    for attempt in detail.attempts:
        started = attempt.started_at
        offset = None if started is None else started - detail.summary.created_at
        table.add_row(
            cell(attempt.node),
            cell(clip(sites.get(attempt.node, "-"), 48)),
            cell(clip(call_text(attempt.action, attempt.args, attempt.kwargs), 80)),
            _try_text(attempt),
            _styled(attempt.status),
            cell(clip(outcome_text(attempt), 80)),
            "-" if offset is None else f"+{seconds(offset)}",
            seconds(span(attempt.started_at, attempt.finished_at)),
        )
    return table


def _try_text(attempt: AttemptRecord) -> str:
    """The try's number, and how often it was lost (its worker died, or it passed the default
    deadline, while its runner lived) or orphaned (its runner died or froze past its lease): it
    ran again under the same number, as the dashboard and `--format json` say."""
    counts = [(attempt.lost_count, "lost"), (attempt.orphaned_count, "orphaned")]
    shown = ", ".join(f"{word} {count}\u00d7" for count, word in counts if count)
    return f"{attempt.attempt} ({shown})" if shown else str(attempt.attempt)


_LEVEL_STYLES = {"debug": "dim", "warning": "yellow", "error": "red", "critical": "bold red"}


def log_table(detail: InstanceDetail) -> Table:
    """The instance's workflow log: when, level, source line and message of each line."""
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for title in ("TIME (UTC)", "LEVEL", "LINE", "MESSAGE"):
        table.add_column(title, no_wrap=title != "MESSAGE")
    for line in detail.logs:
        style = _LEVEL_STYLES.get(line.level)
        level = f"[{style}]{line.level.upper()}[/{style}]" if style else cell(line.level.upper())
        table.add_row(when(line.created_at), level, f"{cell(line.function)}:{line.line}",
                      cell(line.message))  # fmt: skip
    return table


def outcome_text(attempt: AttemptRecord) -> str:
    if attempt.status == "completed":
        return compact(plain(attempt.result))
    if attempt.status == "failed":
        return exception_text(attempt.error)
    return "-"


def duration(row: dict[str, Any]) -> float | None:
    """How long an attempt row ran (None until it finished)."""
    return span(row["started_at"], row["finished_at"])


def span(started: float | None, finished: float | None) -> float | None:
    if started is None or finished is None:
        return None
    return max(float(finished - started), 0.0)


def show_json(detail: InstanceDetail, placement: Placement) -> dict[str, Any]:
    summary = detail.summary
    return {
        "id": summary.id,
        "workflow": summary.workflow,
        "version": summary.version,
        "status": summary.status,
        "priority": summary.priority,
        "inputs": plain(detail.inputs),
        "result": plain(detail.result),
        "error": plain(detail.error),
        "created_at": iso(summary.created_at),
        "updated_at": iso(summary.updated_at),
        "finished_at": iso(summary.finished_at),
        "lease_owner": detail.lease_owner,
        "lease_expires_at": iso(detail.lease_expires_at),
        "wake_at": iso(detail.wake_at),
        "attempts": [_attempt_json(attempt, placement) for attempt in detail.attempts],
        "sleeps": [_sleep_json(sleep, placement) for sleep in detail.sleeps],
        "signals": [_signal_json(record) for record in detail.signals],
        "parent_id": detail.parent_id,
        "children": [list_json(child) for child in detail.children],
        "logs": [_log_json(line) for line in detail.logs],
    }


def _log_json(line: LogRecord) -> dict[str, Any]:
    return {"seq": line.seq, "level": line.level, "message": line.message,
            "function": line.function, "line": line.line, "created_at": iso(line.created_at)}  # fmt: skip


def _sleep_json(sleep: SleepRecord, placement: Placement) -> dict[str, Any]:
    return {
        "node": sleep.node,
        "site": sleep.site,
        "iteration": _listed(sleep.iteration),
        "line": placement.lines.get(sleep.node),
        "wake_at": iso(sleep.wake_at),
        "finished_at": iso(sleep.finished_at),
    }


def _signal_json(record: SignalRecord) -> dict[str, Any]:
    return {"kind": record.kind, "name": record.name, "node": record.node,
            "payload": plain(record.payload), "at": iso(record.at), "done": iso(record.done),
            "pending": record.pending, "times_out_at": iso(record.times_out_at)}  # fmt: skip


def _listed(path: tuple[int | str, ...] | None) -> list[int | str] | None:
    return None if path is None else list(path)


def _attempt_json(attempt: AttemptRecord, placement: Placement) -> dict[str, Any]:
    return {
        "node": attempt.node,
        "site": placement.sites.get(attempt.node, attempt.site),
        "iteration": _listed(attempt.iteration),
        "line": placement.lines.get(attempt.node),
        "attempt": attempt.attempt,
        "action": attempt.action,
        "args": plain(attempt.args),
        "kwargs": plain(attempt.kwargs),
        "status": attempt.status,
        "result": plain(attempt.result),
        "error": plain(attempt.error),
        "lost": attempt.lost_count,
        "orphaned": attempt.orphaned_count,
        "timeout": attempt.timeout,
        "ready_at": iso(attempt.ready_at),
        "created_at": iso(attempt.created_at),
        "started_at": iso(attempt.started_at),
        "finished_at": iso(attempt.finished_at),
        "traceback": attempt.traceback,
    }
