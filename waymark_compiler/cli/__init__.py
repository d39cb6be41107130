"""The `waymark` command line: one typer app whose subcommands live in sibling modules.

`main()` runs the app and owns the exit statuses: 0 success, 1 errors found in the input,
2 usage errors, 70 a bug of ours (one line; the traceback only with WAYMARK_DEBUG=1).

Adding a subcommand (`waymark run`, `waymark instances ...`): create
`waymark_compiler/cli/<name>_command.py` defining `register(app: typer.Typer) -> None`, which
calls `app.command("run")(run_command)` or `app.add_typer(instances_app, name="instances")`,
then append the module name to `COMMAND_MODULES`. Import heavy dependencies (asyncpg, the
runtime's store) inside the command function so `waymark --help` stays fast. Report user
errors by raising `CliError` (exit 1) or `UsageFailure` (exit 2) from `cli._output`, and set
the exit status with `raise typer.Exit(code)`; any other exception counts as a bug (exit 70).
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import traceback
from collections.abc import Sequence
from enum import StrEnum
from importlib import metadata
from typing import Annotated, Any, NoReturn

import typer

from waymark_compiler.cli._database import Interrupted
from waymark_compiler.cli._help import plain_help
from waymark_compiler.cli._output import (
    EXIT_FAILURE,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    SETTINGS,
    CliError,
    err,
    error,
    interrupted,
    out,
)
from waymark_runtime.errors import InternalError, WaymarkError

COMMAND_MODULES: tuple[str, ...] = (
    "compile_command",
    "fmt_command",
    "graph_command",
    "schedules_command",
    "run_command",
    "instances_command",
    "worker_command",
    "dashboard_command",
)

__all__ = ["COMMAND_MODULES", "build_app", "main", "run"]


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


def _print_version(requested: bool) -> None:
    if requested:
        out(f"waymark {metadata.version('waymark')}")
        raise typer.Exit(EXIT_OK)


def _root(
    color: Annotated[
        Color, typer.Option("--color", help="Colour output: auto (on a terminal), always, never.")
    ] = Color.auto,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Compile, inspect and run durable Python workflows."""
    SETTINGS.color = (
        "always" if color is Color.always else "never" if color is Color.never else "auto"
    )


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="waymark",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(app)
    return app


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The `waymark` console script and `python -m waymark`."""
    closed = _stand_in_for_closed_streams()
    try:
        app = build_app()
    except Exception as failure:  # a subcommand module that fails to import is our bug too
        sys.exit(_internal_error(failure))
    code = run(app, argv)
    if closed is not None and closed.lost:
        error(
            f"standard output is closed: {closed.lost:,} characters (or bytes) of output were lost"
        )
        code = code or EXIT_FAILURE
    sys.exit(code)


class _Closed(io.TextIOBase):
    """Stands for standard output closed when the command started (`waymark run ... >&-`):
    what is written is counted, then reported, instead of failing as an internal error."""

    def __init__(self) -> None:
        self.lost = 0
        self.buffer = _ClosedBytes(self)  # for commands that write bytes (`graph -f png`)

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.lost += len(text)
        return len(text)


class _ClosedBytes(io.RawIOBase):
    def __init__(self, text: _Closed) -> None:
        self.text = text

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.text.lost += len(data)
        return len(data)


def _stand_in_for_closed_streams() -> _Closed | None:
    """Python sets `sys.stdout`/`sys.stderr` to `None` when their descriptor is closed."""
    if sys.stderr is None:  # nowhere to say anything
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (for the life of the process)
    if sys.stdout is None:
        sys.stdout = closed = _Closed()
        return closed
    return None


def run(app: typer.Typer, argv: Sequence[str] | None = None) -> int:
    """Run `app` on `argv` and turn every outcome into an exit status; never raises."""
    command = plain_help(typer.main.get_command(app))
    try:
        result = command.main(
            args=list(argv) if argv is not None else None,
            prog_name="waymark",
            standalone_mode=False,
        )
    except Interrupted as failure:  # Ctrl-C is the user's choice, not an error
        interrupted(failure.message, *failure.hints)
        return failure.exit_code
    except CliError as failure:
        error(failure.message, *failure.hints)
        return failure.exit_code
    except typer.TyperException as failure:  # the parser's own usage errors
        return _usage_error(failure)
    except typer.Abort:
        err("aborted")
        return EXIT_FAILURE
    except BrokenPipeError:
        return _broken_pipe()
    except InternalError as failure:
        return _internal_error(failure)
    except WaymarkError as failure:
        error(str(failure))
        return EXIT_FAILURE
    except Exception as failure:
        return _internal_error(failure)
    return result if isinstance(result, int) else EXIT_OK


_VALIDATOR_PREFIX = "Value error, "


def _usage_error(failure: typer.TyperException) -> int:
    if type(failure).__name__ == "NoArgsIsHelpError":
        return EXIT_USAGE  # `waymark` alone: the help is already printed
    if isinstance(failure, typer.BadParameter) and failure.message.startswith(_VALIDATOR_PREFIX):
        # typer validates choices with pydantic, whose message names its own wrapper
        failure.message = failure.message.removeprefix(_VALIDATOR_PREFIX)
    message = failure.format_message()
    error(message[:1].lower() + message[1:])
    context = getattr(failure, "ctx", None)
    if context is not None:
        err(
            f"\n{context.get_usage()}\n\nFor more information, try '{context.command_path} --help'."
        )
    return int(getattr(failure, "exit_code", EXIT_USAGE))


def _internal_error(failure: BaseException) -> int:
    if os.environ.get("WAYMARK_DEBUG"):
        traceback.print_exception(failure, file=sys.stderr)
    detail = f"{type(failure).__name__}: {failure}".splitlines()[0]
    error(
        f"internal error ({detail}); this is a bug in waymark, please report it "
        "(set WAYMARK_DEBUG=1 to print the traceback)"
    )
    return EXIT_INTERNAL


def _broken_pipe() -> int:
    # The reader went away (`waymark compile . | head`): stop quietly, as other tools do.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_FAILURE
