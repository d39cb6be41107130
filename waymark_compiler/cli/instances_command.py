"""`waymark instances list|show|cancel|retry|requeue|signal`: inspect and steer workflow
instances.

A thin layer over the admin API (`waymark_runtime.admin`) on the database of
`WAYMARK_DATABASE_URL` (or the embedded server). Tables go to stdout (rich), status lines to
stderr, `--format json` prints JSON. An unknown or malformed instance id is a usage error
(exit 2); asking for what an instance's status forbids (cancelling a finished instance, retrying
one that did not fail) exits 1. Inspection imports no user code; `signal` imports the modules
of WAYMARK_USER_MODULE, to check a payload against the user's classes.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from waymark_compiler.cli._database import (
    administered,
    inspected,
    instance_id,
    load_settings,
    run_async,
    user_modules,
)
from waymark_compiler.cli._options import OutputFormat as Format
from waymark_compiler.cli._options import TableFormatOption as FormatOption
from waymark_compiler.cli._output import UsageFailure, err, out, printable, status
from waymark_compiler.cli._show import (
    detail_renderables,
    list_json,
    list_table,
    print_rich,
    sites_of,
)

if TYPE_CHECKING:
    from waymark_compiler.cli._placement import Placement, Snapshot
    from waymark_runtime.admin import InstanceDetail, InstanceSummary, Page
    from waymark_runtime.dag import Dag


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
    help="List, show, cancel, retry, requeue and signal workflow instances.",
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
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            metavar="CURSOR",
            help="The page after this cursor (printed at the end of the previous page).",
        ),
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option("--parent", metavar="ID", help="Only the child workflows of this instance."),
    ] = None,
    output_format: FormatOption = Format.text,
) -> None:
    """List instances, newest first, a page at a time."""
    chosen = None if status_filter is None else status_filter.value
    parent = None if parent is None else instance_id(parent)
    page, now = run_async(_list(chosen, workflow, limit, after, parent))
    if output_format is Format.json:
        out(json.dumps([list_json(item) for item in page.items], indent=2))
    elif page.items:
        print_rich(list_table(page.items, now))
    else:
        err("no instances" + (f" with status {chosen}" if chosen else ""))
    if page.next_cursor is not None and output_format is Format.text:
        err(f"hint: more with `--after {page.next_cursor}`")


async def _list(
    chosen: str | None, workflow: str | None, limit: int, after: str | None, parent: str | None
) -> tuple[Page, float]:
    from waymark_runtime.store.postgres import now

    async with administered(load_settings()) as admin:
        page = await admin.list(status=chosen, workflow=workflow, limit=limit, after=after,
                                parent=parent)  # fmt: skip
    return page, now()


@instances_app.command("show")
def show_command(instance: IdArgument, output_format: FormatOption = Format.text) -> None:
    """Show an instance: inputs, status, result or error, and every action attempt."""
    if output_format is Format.json:
        out(json.dumps(run_async(_document(instance_id(instance))), indent=2))
        return
    detail, dag, placement, now = run_async(_show(instance_id(instance)))
    from rich.console import Group

    print_rich(Group(*detail_renderables(detail, sites_of(dag, placement), now)))


async def _document(instance: str) -> dict[str, Any]:
    from waymark_compiler.cli._database import connected, instance_document

    async with connected(load_settings()) as store:
        detail, _ = await inspected(store, instance)
        return await instance_document(store, detail)


async def _show(instance: str) -> tuple[InstanceDetail, Dag | None, Placement, float]:
    from waymark_compiler.cli._database import connected
    from waymark_runtime.store.postgres import now

    async with connected(load_settings()) as store:
        detail, snapshot = await inspected(store, instance)
    dag, placement = traced(snapshot)
    return detail, dag, placement, now()


def traced(snapshot: Snapshot) -> tuple[Dag | None, Placement]:
    """The DAG of the instance's stored program and where its attempts and sleeps sit on it,
    as their rows record (empty without a readable program). Nothing is imported or run."""
    from waymark_compiler.cli._placement import Placement, place
    from waymark_runtime.dag import build_dag
    from waymark_runtime.errors import ProgramError

    if snapshot.program is None:
        return None, Placement()
    try:
        dag = build_dag(snapshot.program)
    except ProgramError:  # a stored program Python could not have written: no graph either
        return None, Placement()
    return dag, place(snapshot, dag)


@instances_app.command("cancel")
def cancel_command(instance: IdArgument) -> None:
    """Cancel an unfinished instance: it ends as cancelled (its waiters raise WorkflowCancelled)
    and runs no further.

    Attempts already running on a worker finish, but their results are dropped. An instance
    cancelled already stays as it is (exit 0); a completed or failed one exits 1.
    """
    chosen = instance_id(instance)
    run_async(_cancel(chosen))
    status(f"cancelled {chosen}")


async def _cancel(instance: str) -> None:
    async with administered(load_settings()) as admin:
        await admin.cancel(instance, "cancelled with `waymark instances cancel`")


NameArgument = Annotated[
    str, typer.Argument(metavar="NAME", help="The signal's name.", show_default=False)
]
PayloadOption = Annotated[
    str,
    typer.Option("--payload", metavar="JSON", help="The payload, as JSON (default: null)."),
]
SendIdOption = Annotated[
    str | None,
    typer.Option(
        "--send-id",
        metavar="KEY",
        help="A key of your own for this send: sending again with it keeps nothing more.",
        show_default=False,
    ),
]


@instances_app.command("signal")
def signal_command(
    instance: IdArgument,
    name: NameArgument,
    payload: PayloadOption = "null",
    send_id: SendIdOption = None,
) -> None:
    """Send signal NAME to an unfinished instance, with a JSON payload.

    The payload is checked against the type the workflow declares for the signal (the
    modules of WAYMARK_USER_MODULE are imported to find the user's classes); a name the
    workflow never waits for, or a finished instance, is refused. With --send-id, a command
    run again (after a lost connection, say) keeps the signal once.
    """
    chosen = instance_id(instance)
    from waymark_runtime.values.text import UnreadableJson, read_json

    try:
        value = read_json(payload)
    except UnreadableJson as error:
        raise UsageFailure(
            f"the payload is not JSON: {error}", "e.g. --payload '{\"approved\": true}'"
        ) from None
    run_async(_signal(chosen, name, value, send_id))
    status(printable(f"sent signal {name!r} to {chosen}"))


async def _signal(instance: str, name: str, payload: object, send_id: str | None) -> None:
    settings = load_settings()
    user_modules(settings)
    async with administered(settings) as admin:
        await admin.signal(instance, name, payload, send_id=send_id)


@instances_app.command("retry")
def retry_command(instance: IdArgument, output_format: FormatOption = Format.text) -> None:
    """Run a failed (or cancelled) instance again, from the start, as a new instance.

    The new instance gets the same inputs and priority and runs the newest version of the
    workflow stored in the database; the failed one is kept as it is. Prints the new id.
    An instance is retried once: run again, the command prints the instance its first run
    created and creates none (retry that one to try once more).
    """
    old = instance_id(instance)
    new = run_async(_again(old, requeue=False))
    _print_again(old, new, "retry", output_format)


@instances_app.command("requeue")
def requeue_command(instance: IdArgument, output_format: FormatOption = Format.text) -> None:
    """Start an instance again, whatever its status, on the newest version of its workflow.

    The new instance gets the same inputs and priority. An unfinished instance is cancelled
    first, so the two never run side by side; a finished one is kept as it is. Prints the
    new id; run again, the id of the instance its first run created (nothing new is made).
    """
    old = instance_id(instance)
    new = run_async(_again(old, requeue=True))
    _print_again(old, new, "requeue", output_format)


async def _again(instance: str, *, requeue: bool) -> tuple[InstanceSummary, bool]:
    async with administered(load_settings()) as admin:
        return await admin.again(instance, requeue=requeue)


def _print_again(
    old: str, again: tuple[InstanceSummary, bool], what: str, output_format: Format
) -> None:
    new, created = again
    if output_format is Format.json:
        out(json.dumps({"id": new.id, f"{what}_of": old, "workflow": new.workflow,
                        "version": new.version, "created": created}))  # fmt: skip
        return
    out(new.id)
    version = new.version[:12]
    if not created:
        status(printable(f"{old} was restarted already, as {new.id} ({new.workflow}, version "
                         f"{version}, {new.status}); nothing new was queued"))  # fmt: skip
        err(f"hint: to try again once that one failed too, retry it: "
            f"`waymark instances retry {new.id}`")  # fmt: skip
        return
    status(printable(f"queued {new.id}: a {what} of {old} ({new.workflow}, version {version})"))
    err(
        f"hint: workers pick it up (`waymark start-workers`), or run it here: "
        f"`waymark run FILE.py --resume {new.id}`"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(instances_app, name="instances")
