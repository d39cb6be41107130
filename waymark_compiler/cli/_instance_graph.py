"""`waymark graph --instance ID`: the program an instance runs, with each node's live status.

The program is the instance's own stored version (what it really runs), not the file's current
code; a PATH given too must define the same workflow (it is compiled, never imported). Statuses
come from the site each attempt and sleep row records (`_placement`). Reads only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from waymark_compiler.cli._database import (
    connected,
    instance_id,
    load_settings,
    load_snapshot,
    run_async,
    unreadable,
)
from waymark_compiler.cli._output import CliError, UsageFailure, printable, warning
from waymark_compiler.graph import LiveStatus

if TYPE_CHECKING:
    from waymark_compiler.cli._placement import Snapshot
    from waymark_runtime import ir


def live_program(
    instance: str, path: Path | None, workflow: str | None
) -> tuple[ir.Workflow, LiveStatus]:
    """The instance's program and the status of each of its DAG nodes."""
    snapshot = run_async(_snapshot(instance_id(instance)))
    program = snapshot.program
    if program is None:
        why = unreadable(snapshot.workflow, snapshot.version)
        raise CliError(
            f"the program of instance {snapshot.id} (workflow {snapshot.workflow}, version "
            f"{snapshot.version}) cannot be drawn: {printable(why)}",
            f"`waymark instances show {snapshot.id}` shows how the instance ended",
        )
    if workflow is not None and workflow != snapshot.workflow:
        raise UsageFailure(f"instance {snapshot.id} runs {snapshot.workflow}, not {workflow}")
    if path is not None:
        _check_path(path, workflow or snapshot.workflow, snapshot)
    return program, live_status(snapshot)


async def _snapshot(instance: str) -> Snapshot:
    async with connected(load_settings()) as store:
        return await load_snapshot(store, instance)


def _check_path(path: Path, workflow: str, snapshot: Snapshot) -> None:
    """PATH must define the workflow (it is compiled, never imported)."""
    from waymark_compiler.cli.graph_command import load, select

    candidate = select(load(path), workflow, path)
    if candidate.program != snapshot.program:
        warning(
            f"{path} has changed since instance {snapshot.id} started; "
            "drawing the version the instance runs"
        )


def live_status(snapshot: Snapshot) -> LiveStatus:
    """Each DAG node's status in the instance (the dashboard draws it too)."""
    from waymark_compiler.cli._status import node_states
    from waymark_compiler.cli.instances_command import traced

    dag, placement = traced(snapshot)
    states = node_states(dag, snapshot, placement) if dag is not None else {}
    return LiveStatus(title=f"instance {snapshot.id}: {snapshot.status}", states=states)
