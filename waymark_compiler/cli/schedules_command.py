"""`waymark schedules list|show|pause|resume|delete`: inspect and manage stored schedules.

Talks to the database of `WAYMARK_DATABASE_URL` (or the embedded server) through the runtime's
`Schedules`; tables go to stdout (rich), status lines to stderr, `--format json` prints JSON.
An unknown schedule is a usage error (exit 2) with a "did you mean". It never fires a schedule
and never imports user code: workflows are named, not loaded.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from waymark_compiler.cli._database import not_reached
from waymark_compiler.cli._options import OutputFormat as Format
from waymark_compiler.cli._options import TableFormatOption as FormatOption
from waymark_compiler.cli._output import UsageFailure, err, out, printable, use_color
from waymark_compiler.cli._values import cell

if TYPE_CHECKING:
    from rich.table import Table

    from waymark_runtime.client import PostgresClient
    from waymark_runtime.schedules import ScheduleInfo, Schedules, ScheduleStatus
    from waymark_runtime.store.postgres import PostgresStore

T = TypeVar("T")


class Status(StrEnum):
    active = "active"
    paused = "paused"


NameArgument = Annotated[
    str, typer.Argument(metavar="NAME", help="The schedule's name.", show_default=False)
]
WorkflowOption = Annotated[
    str | None,
    typer.Option(
        "--workflow", "-w", metavar="NAME", help="The workflow, when several have this schedule."
    ),
]

schedules_app = typer.Typer(
    name="schedules",
    help="List, show, pause, resume and delete workflow schedules.",
    no_args_is_help=True,
)


@schedules_app.command("list")
def list_command(
    status: Annotated[
        Status | None, typer.Option("--status", "-s", help="Only active or only paused schedules.")
    ] = None,
    output_format: FormatOption = Format.text,
) -> None:
    """List schedules, ordered by workflow then name."""
    chosen: ScheduleStatus | None = None if status is None else status.value
    found = _run(lambda schedules: schedules.select(chosen))
    if output_format is Format.json:
        out(json.dumps([info.to_json() for info in found], indent=2))
    elif found:
        _print(_list_table(found))
    else:
        err("no schedules" if status is None else f"no {status.value} schedules")


@schedules_app.command("show")
def show_command(
    name: NameArgument, workflow: WorkflowOption = None, output_format: FormatOption = Format.text
) -> None:
    """Show every field of one schedule."""
    info = _run(lambda schedules: _one(schedules, name, workflow))
    if output_format is Format.json:
        out(json.dumps(info.to_json(), indent=2))
    else:
        _print(_detail_table(info))


@schedules_app.command("pause")
def pause_command(name: NameArgument, workflow: WorkflowOption = None) -> None:
    """Stop firing a schedule (runs already queued are left alone)."""
    info = _run(lambda schedules: _apply(schedules, name, workflow, "pause"))
    err(printable(f"paused schedule `{info.schedule_name}` of `{info.workflow_name}`"))


@schedules_app.command("resume")
def resume_command(name: NameArgument, workflow: WorkflowOption = None) -> None:
    """Fire a paused schedule again (a fire missed while paused happens once, at once)."""
    info = _run(lambda schedules: _apply(schedules, name, workflow, "resume"))
    err(printable(f"resumed schedule `{info.schedule_name}` of `{info.workflow_name}`"))


@schedules_app.command("delete")
def delete_command(name: NameArgument, workflow: WorkflowOption = None) -> None:
    """Delete a schedule (runs already queued are left alone)."""
    info = _run(lambda schedules: _apply(schedules, name, workflow, "delete"))
    err(printable(f"deleted schedule `{info.schedule_name}` of `{info.workflow_name}`"))


# the database ---------------------------------------------------------------------------------


def _run(operation: Callable[[Schedules], Awaitable[T]]) -> T:
    """Run `operation` on the configured database; unreachable databases are user errors."""
    return asyncio.run(_with_schedules(operation))


async def _with_schedules(operation: Callable[[Schedules], Awaitable[T]]) -> T:
    from waymark_runtime.client import PostgresClient
    from waymark_runtime.schedules import (
        InvalidScheduleError,
        ScheduleNotFoundError,
        Schedules,
    )
    from waymark_runtime.store.postgres import is_transient

    client = PostgresClient()
    try:
        return await operation(Schedules(await _open(client)))
    except (ScheduleNotFoundError, InvalidScheduleError) as refused:  # a name on the line
        raise UsageFailure(printable(str(refused))) from refused
    except Exception as failure:
        if not is_transient(failure):
            raise
        raise not_reached(failure) from failure
    finally:
        await client.close()


async def _open(client: PostgresClient) -> PostgresStore:
    """The client's store; failing to connect (no server, bad DSN, role or database) is the
    user's to fix, not a bug."""
    import asyncpg

    try:
        return await client.store()
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as failure:
        raise not_reached(failure) from failure


async def _one(schedules: Schedules, name: str, workflow: str | None) -> ScheduleInfo:
    """The one schedule called `name` (of `workflow`), or a usage error saying why not."""
    found = await schedules.select(workflow=workflow, schedule_name=name)
    if len(found) == 1:
        return found[0]
    if found:
        owners = ", ".join(f"`{info.workflow_name}`" for info in found)
        raise UsageFailure(
            printable(f"several workflows have a schedule named `{name}`: {owners}"),
            "pick one with `--workflow NAME`",
        )
    hints = [printable(hint) for hint in _suggest(name, await schedules.select())]
    raise UsageFailure(printable(_missing(name, workflow)), *hints)


def _missing(name: str, workflow: str | None) -> str:
    """Quotes the name as typed: the caller escapes its newlines and other control characters."""
    if workflow is None:
        return f"no schedule named `{name}`"
    return f"no schedule named `{name}` for workflow `{workflow}`"


def _suggest(name: str, every: list[ScheduleInfo]) -> list[str]:
    owners = sorted(f"`{info.workflow_name}`" for info in every if info.schedule_name == name)
    if owners:
        return [f"a schedule named `{name}` exists for {', '.join(owners)}"]
    names = sorted({info.schedule_name for info in every})
    from waymark_runtime.errors import close_match

    close = close_match(name, names)
    if close:
        return [f"did you mean `{close}`?"]
    return ["`waymark schedules list` shows every schedule"]


async def _apply(schedules: Schedules, name: str, workflow: str | None, verb: str) -> ScheduleInfo:
    info = await _one(schedules, name, workflow)
    operations = {"pause": schedules.pause, "resume": schedules.resume, "delete": schedules.delete}
    await operations[verb](info.workflow_name, info.schedule_name)
    return info


# tables ---------------------------------------------------------------------------------------


def _list_table(found: list[ScheduleInfo]) -> Table:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for title in ("WORKFLOW", "SCHEDULE", "CADENCE", "STATUS", "NEXT RUN (UTC)",
                  "LAST RUN (UTC)", "LAST INSTANCE"):  # fmt: skip
        table.add_column(title, no_wrap=True)
    for info in found:
        table.add_row(cell(info.workflow_name), cell(info.schedule_name), cell(info.cadence),
                      cell(info.status), _when(info.next_run_at), _when(info.last_run_at),
                      cell(info.last_instance_id or "-"))  # fmt: skip
    return table


def _detail_table(info: ScheduleInfo) -> Table:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in _details(info):
        table.add_row(label, value)
    return table


def _details(info: ScheduleInfo) -> list[tuple[str, str]]:
    jitter = "-" if info.jitter is None else f"{info.jitter.total_seconds():g}s"
    return [
        ("workflow", cell(info.workflow_name)),
        ("schedule", cell(info.schedule_name)),
        ("id", cell(info.id)),
        ("cadence", cell(f"{info.cadence} ({info.schedule_type}, UTC)")),
        ("status", cell(info.status)),
        ("next run", _when(info.next_run_at)),
        ("last run", _when(info.last_run_at)),
        ("last instance", cell(info.last_instance_id or "-")),
        ("inputs", cell(json.dumps(info.inputs))),
        ("jitter", jitter),
        ("allow duplicate", "yes" if info.allow_duplicate else "no"),
        ("priority", str(info.priority)),
        ("created", _when(info.created_at)),
        ("updated", _when(info.updated_at)),
    ]


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _print(renderable: Any) -> None:
    """Rich output on stdout; without colour, lines carry no trailing padding (diff-friendly)."""
    from rich.console import Console

    color = use_color(sys.stdout)
    width = None if sys.stdout.isatty() else 240
    if color:
        Console(file=sys.stdout, highlight=False, force_terminal=True, width=width).print(
            renderable
        )
        return
    buffer = io.StringIO()
    Console(file=buffer, highlight=False, color_system=None, width=width).print(renderable)
    out("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()))


def register(app: typer.Typer) -> None:
    app.add_typer(schedules_app, name="schedules")
