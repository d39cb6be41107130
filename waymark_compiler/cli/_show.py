"""Rendering instances for people (rich tables) and scripts (JSON objects).

`waymark instances list/show` and `waymark run` print through here, so an instance reads the
same everywhere: times in UTC, durations in seconds, values as plain JSON (`_values`), each
attempt next to the line and node of the call that dispatched it (`_trace`). It only formats.
"""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from waymark_compiler.cli._output import out, use_color
from waymark_compiler.cli._values import call_text, cell, clip, compact, exception_text, plain

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from waymark_compiler.cli._trace import Snapshot, Trace
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


def list_table(rows: list[dict[str, Any]], now: float) -> Table:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for title in ("ID", "WORKFLOW", "STATUS", "ATTEMPTS", "CREATED (UTC)", "DURATION"):
        table.add_column(title, no_wrap=True)
    for row in rows:
        took = (row["finished_at"] or now) - row["created_at"]
        table.add_row(cell(row["id"]), cell(row["workflow_name"]), _styled(row["status"]),
                      str(row["attempts"]), when(row["created_at"]), seconds(took))  # fmt: skip
    return table


def list_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "workflow": row["workflow_name"],
        "version": row["workflow_version"],
        "status": row["status"],
        "priority": row["priority"],
        "attempts": row["attempts"],
        "created_at": iso(row["created_at"]),
        "finished_at": iso(row["finished_at"]),
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


def sites_of(snapshot: Snapshot, dag: Dag | None, trace: Trace) -> dict[str, str]:
    """Occurrence -> `line 12: users = fetch_users(user_ids)`, where the replay mapped it."""
    if dag is None:
        return {}
    labels = {node.id: node_label(node) for node in dag.nodes}
    shown = {}
    for occurrence, site in trace.sites.items():
        line = trace.lines.get(occurrence)
        where = f"line {line}: " if line else ""
        shown[occurrence] = f"{where}{labels.get(site, site)}"
    return shown


def detail_renderables(
    snapshot: Snapshot, sites: dict[str, str], now: float
) -> list[RenderableType]:
    from rich.table import Table

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    for label, value in _details(snapshot, now):
        head.add_row(label, value)
    parts: list[RenderableType] = [head]
    if snapshot.attempts:
        parts += ["", attempts_table(snapshot, sites)]
    return parts


def _details(snapshot: Snapshot, now: float) -> list[tuple[str, str]]:
    took = (snapshot.finished_at or now) - snapshot.created_at
    rows = [
        ("instance", cell(snapshot.id)),
        ("workflow", cell(f"{snapshot.workflow} (version {snapshot.version[:12]})")),
        ("status", _styled(snapshot.status)),
        ("created", f"{when(snapshot.created_at)} UTC"),
        ("finished" if snapshot.finished else "running for", _finished(snapshot, took)),
        ("inputs", cell(compact(plain(snapshot.inputs)))),
    ]
    if snapshot.status == "completed":
        rows.append(("result", cell(clip(compact(plain(snapshot.result)), 400))))
    if snapshot.error is not None:
        rows.append(("error", cell(exception_text(snapshot.error))))
    for node, wake_at in snapshot.timers.items():
        rows.append(("sleeping", f"{cell(node)} until {when(wake_at)} UTC"))
    return rows


def _finished(snapshot: Snapshot, took: float) -> str:
    if snapshot.finished:
        return f"{when(snapshot.finished_at)} UTC (after {seconds(took)})"
    return seconds(took)


def attempts_table(snapshot: Snapshot, sites: dict[str, str]) -> Table:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    for title in ("NODE", "CALL SITE", "ACTION", "TRY", "STATUS", "OUTCOME", "STARTED", "TOOK"):
        table.add_column(title, no_wrap=title not in ("ACTION", "OUTCOME"))
    for row in snapshot.attempts:
        started = row["started_at"]
        offset = None if started is None else started - snapshot.created_at
        table.add_row(
            cell(row["node"]),
            cell(clip(sites.get(row["node"], "-"), 48)),
            cell(clip(call_text(row["action"], row["args"], row["kwargs"]), 80)),
            str(row["attempt"]),
            _styled(row["status"]),
            cell(clip(outcome_text(row), 80)),
            "-" if offset is None else f"+{seconds(offset)}",
            seconds(duration(row)),
        )
    return table


def outcome_text(row: dict[str, Any]) -> str:
    if row["status"] == "completed":
        return compact(plain(row["result"]))
    if row["status"] == "failed":
        return exception_text(row["error"])
    return "-"


def duration(row: dict[str, Any]) -> float | None:
    if row["started_at"] is None or row["finished_at"] is None:
        return None
    return max(float(row["finished_at"] - row["started_at"]), 0.0)


def show_json(snapshot: Snapshot, sites: dict[str, str], trace: Trace) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "workflow": snapshot.workflow,
        "version": snapshot.version,
        "status": snapshot.status,
        "priority": snapshot.priority,
        "inputs": plain(snapshot.inputs),
        "result": plain(snapshot.result),
        "error": plain(snapshot.error),
        "created_at": iso(snapshot.created_at),
        "updated_at": iso(snapshot.updated_at),
        "finished_at": iso(snapshot.finished_at),
        "attempts": [_attempt_json(row, trace) for row in snapshot.attempts],
        "sleeps": [{"node": n, "wake_at": iso(t)} for n, t in snapshot.timers.items()],
    }


def _attempt_json(row: dict[str, Any], trace: Trace) -> dict[str, Any]:
    return {
        "node": row["node"],
        "site": trace.sites.get(row["node"]),
        "line": trace.lines.get(row["node"]),
        "attempt": row["attempt"],
        "action": row["action"],
        "args": plain(row["args"]),
        "kwargs": plain(row["kwargs"]),
        "status": row["status"],
        "result": plain(row["result"]),
        "error": plain(row["error"]),
        "lost": row["lost_count"],
        "created_at": iso(row["created_at"]),
        "started_at": iso(row["started_at"]),
        "finished_at": iso(row["finished_at"]),
    }
