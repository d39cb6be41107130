"""`waymark instances list|show|cancel|retry`: inspect and steer workflow instances.

Reads the database of `WAYMARK_DATABASE_URL` (or the embedded server). Tables go to stdout
(rich), status lines to stderr, `--format json` prints JSON. An unknown or malformed instance id
is a usage error (exit 2); asking for what an instance's state forbids (cancelling a finished
instance, retrying one that did not fail) exits 1. Inspection imports no user code.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from waymark_compiler.cli._database import (
    CANCELLED_TYPE,
    connected,
    instance_id,
    load_settings,
    load_snapshot,
    run_async,
    shown_status,
)
from waymark_compiler.cli._options import OutputFormat as Format
from waymark_compiler.cli._options import TableFormatOption as FormatOption
from waymark_compiler.cli._output import CliError, UsageFailure, err, out, printable, status
from waymark_compiler.cli._show import (
    detail_renderables,
    list_json,
    list_table,
    print_rich,
    show_json,
    sites_of,
)

if TYPE_CHECKING:
    from waymark_compiler.cli._trace import Snapshot, Trace
    from waymark_runtime.dag import Dag
    from waymark_runtime.store.postgres import PostgresStore


class Status(StrEnum):
    queued = "queued"
    running = "running"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"


IdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="The instance id.", show_default=False)
]

instances_app = typer.Typer(
    name="instances",
    help="List, show, cancel and retry workflow instances.",
    no_args_is_help=True,
)


@instances_app.command("list")
def list_command(
    status_filter: Annotated[
        Status | None, typer.Option("--status", "-s", help="Only instances with this status.")
    ] = None,
    workflow: Annotated[
        str | None, typer.Option("--workflow", "-w", metavar="NAME", help="Only this workflow.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="At most this many, newest first.")
    ] = 20,
    output_format: FormatOption = Format.text,
) -> None:
    """List instances, newest first."""
    chosen = None if status_filter is None else status_filter.value
    rows, now = run_async(_list(chosen, workflow, limit))
    if output_format is Format.json:
        out(json.dumps([list_json(row) for row in rows], indent=2))
    elif rows:
        print_rich(list_table(rows, now))
    else:
        err("no instances" + (f" with status {chosen}" if chosen else ""))


async def _list(
    chosen: str | None, workflow: str | None, limit: int
) -> tuple[list[dict[str, Any]], float]:
    from waymark_runtime.store.postgres import now

    async with connected(load_settings()) as store:
        rows = await store.list_instances(status=chosen, workflow=workflow, limit=limit)
    return rows, now()


@instances_app.command("show")
def show_command(instance: IdArgument, output_format: FormatOption = Format.text) -> None:
    """Show an instance: inputs, status, result or error, and every action attempt."""
    snapshot, dag, trace, now = run_async(_show(instance_id(instance)))
    sites = sites_of(snapshot, dag, trace)
    if output_format is Format.json:
        out(json.dumps(show_json(snapshot, sites, trace), indent=2))
        return
    from rich.console import Group

    print_rich(Group(*detail_renderables(snapshot, sites, now)))


async def _show(instance: str) -> tuple[Snapshot, Dag | None, Trace, float]:
    from waymark_runtime.store.postgres import now

    async with connected(load_settings()) as store:
        snapshot = await load_snapshot(store, instance)
    dag, trace = traced(snapshot)
    return snapshot, dag, trace, now()


def traced(snapshot: Snapshot) -> tuple[Dag | None, Trace]:
    """The instance's DAG and where its attempts came from (empty without a readable program).

    Nothing is imported: the replay finds classes in the type registry only, which holds no
    user class unless this process imported the user's modules itself (`waymark run`); where
    the workflow constructs one it does not hold, the replay stops (the rest is placed by
    action)."""
    from waymark_compiler.cli._trace import Trace, trace_instance
    from waymark_runtime.dag import build_dag

    if snapshot.program is None:
        return None, Trace()
    dag = build_dag(snapshot.program)
    return dag, trace_instance(snapshot, dag)


@instances_app.command("cancel")
def cancel_command(instance: IdArgument) -> None:
    """Cancel an unfinished instance: it fails with InstanceCancelled and runs no further.

    Attempts already running on a worker finish, but their results are dropped.
    """
    chosen = instance_id(instance)
    run_async(_cancel(chosen))
    status(f"cancelled {chosen}")


async def _cancel(instance: str) -> None:
    from waymark_runtime.errors import InstanceCancelled
    from waymark_runtime.store.postgres import now
    from waymark_runtime.values import error_json

    error = error_json(InstanceCancelled("cancelled with `waymark instances cancel`"))
    assert error["type"] == CANCELLED_TYPE
    async with connected(load_settings()) as store:
        if not await store.cancel(instance, error, now()):
            await _explain_not_cancellable(store, instance)


async def _explain_not_cancellable(store: PostgresStore, instance: str) -> None:
    row = await store.status(instance)
    if row is None:
        raise UsageFailure(f"no instance {instance}", "see `waymark instances list`")
    shown = shown_status(row["status"], row["error"])
    raise CliError(f"instance {instance} already finished ({shown}); nothing to cancel")


@instances_app.command("retry")
def retry_command(instance: IdArgument, output_format: FormatOption = Format.text) -> None:
    """Run a failed (or cancelled) instance again, from the start, as a new instance.

    The new instance gets the same inputs and priority and runs the latest version of the
    workflow stored in the database; the failed one is kept as it is. Prints the new id.
    """
    old = instance_id(instance)
    new, workflow, version = run_async(_retry(old))
    if output_format is Format.json:
        out(json.dumps({"id": new, "retry_of": old, "workflow": workflow, "version": version}))
        return
    out(new)
    status(printable(f"queued {new}: a retry of {old} ({workflow}, version {version[:12]})"))
    err(
        f"hint: workers pick it up (`waymark start-workers`), or run it here: "
        f"`waymark run FILE.py --resume {new}`"
    )


async def _retry(instance: str) -> tuple[str, str, str]:
    from waymark_runtime.engine import NewInstance
    from waymark_runtime.store.postgres import now

    async with connected(load_settings()) as store:
        row = await store.status(instance)
        if row is None:
            raise UsageFailure(f"no instance {instance}", "see `waymark instances list`")
        if row["status"] != "failed":
            raise CliError(
                f"instance {instance} is {row['status']}; only failed or cancelled instances "
                "can be retried"
            )
        workflow = row["workflow_name"]
        latest = await store.latest_version(workflow)
        version, wrl = latest if latest is not None else (row["workflow_version"], "")
        spec = NewInstance(workflow=workflow, version=version, wrl=wrl, inputs=row["inputs"],
                           priority=row["priority"])  # fmt: skip
        [new] = await store.create_instances([spec], now())
    return new, workflow, version


def register(app: typer.Typer) -> None:
    app.add_typer(instances_app, name="instances")
