"""`waymark graph`: draw one workflow's DAG as DOT, SVG or PNG.

The workflow comes from Python source (compiled) or from a `.wrl` file (parsed); drawing is
`waymark_compiler.graph`'s job and the structure `waymark_runtime.dag`'s. This module only picks
the workflow, the format and where the bytes go.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from waymark_compiler.cli._files import collect_files
from waymark_compiler.cli._output import CliError, UsageFailure, err, error, use_color
from waymark_compiler.cli._sources import Unread, compile_file
from waymark_compiler.diagnostics import render as render_diagnostics
from waymark_compiler.files import describe, read_regular, write_regular
from waymark_compiler.graph import INSTALL_HINT, DotNotInstalled, GraphFormat, LiveStatus, render
from waymark_runtime import ir
from waymark_runtime.dag import build_dag
from waymark_runtime.errors import ProgramError, WrlSyntaxError, close_match


class Format(StrEnum):
    dot = "dot"
    svg = "svg"
    png = "png"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A workflow that can be drawn, with the names a user may select it by."""

    name: str
    class_name: str
    program: ir.Workflow


PathArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A Python file or directory, or a .wrl file (optional with --instance).",
        show_default=False,
    ),
]
WorkflowOption = Annotated[
    str | None,
    typer.Option(
        "--workflow", "-w", metavar="NAME", help="The workflow to draw, when PATH has several."
    ),
]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f", help="dot (default, or from -o's suffix), svg or png.", show_default=False
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
]
InstanceOption = Annotated[
    str | None,
    typer.Option(
        "--instance",
        "-i",
        metavar="ID",
        help="Colour each node by its status in this instance (from the database).",
    ),
]


def graph_command(
    path: PathArgument = None,
    workflow: WorkflowOption = None,
    output_format: FormatOption = None,
    output: OutputOption = None,
    instance: InstanceOption = None,
) -> None:
    """Draw a workflow's DAG (DOT needs nothing installed; SVG and PNG need graphviz)."""
    chosen = _format(output_format, output)
    live: LiveStatus | None = None
    if instance is not None:
        from waymark_compiler.cli._instance_graph import live_program

        program, live = live_program(instance, path, workflow)
    elif path is None:
        raise UsageFailure("missing PATH", "give a Python file, a directory or a .wrl file")
    else:
        program = select(load(path), workflow, path).program
    try:
        image = render(build_dag(program), chosen, live)
    except ProgramError as failure:
        raise CliError(f"cannot draw workflow {program.name}: {failure}") from failure
    except DotNotInstalled as missing:
        raise CliError(
            f"drawing {chosen} needs the graphviz `dot` program: {missing}",
            INSTALL_HINT,
            "`--format dot` works without it",
        ) from missing
    _emit(image, chosen, output)


def _format(output_format: Format | None, output: Path | None) -> GraphFormat:
    if output_format is not None:
        return output_format.value
    suffix = output.suffix.lstrip(".").lower() if output is not None else ""
    return "svg" if suffix == "svg" else "png" if suffix == "png" else "dot"


def load(path: Path) -> list[Candidate]:
    """Every workflow in PATH; compile errors are reported and end the command."""
    if path.suffix == ".wrl" and os.path.lexists(path) and not path.is_dir():
        return [_parse_wrl(path)]
    compiled = [compile_file(file) for file in collect_files([path], ".py", "--workflow")]
    results = [result for result in compiled if not isinstance(result, Unread)]
    unread = [result.message for result in compiled if isinstance(result, Unread)]
    diagnostics = [d for result in results for d in result.diagnostics]
    if any(d.severity == "error" for d in diagnostics):
        sources = {result.path: result.source for result in results}
        err(render_diagnostics(diagnostics, sources, color=use_color(sys.stderr)))
    for message in unread:
        error(message)
    if unread or any(d.severity == "error" for d in diagnostics):
        raise CliError(f"{path} does not compile; fix the errors above first")
    return [
        Candidate(w.name, w.class_name, w.program) for result in results for w in result.workflows
    ]


def _parse_wrl(path: Path) -> Candidate:
    from waymark_runtime import wrl  # slow to load (it builds the parser); only needed here

    try:
        program = wrl.parse(read_regular(path).decode("utf-8"))
    except OSError as failure:
        raise CliError(f"cannot read {path}: {describe(failure)}") from failure
    except WrlSyntaxError as failure:
        raise CliError(f"{path}:{failure}") from failure
    except UnicodeDecodeError as failure:
        raise CliError(f"{path}: not valid UTF-8 (byte {failure.start})") from failure
    return Candidate(program.name, program.name, program)


def select(candidates: list[Candidate], name: str | None, path: Path) -> Candidate:
    if not candidates:
        raise CliError(f"no workflows found in {path}")
    if name is None:
        if len(candidates) > 1:
            listed = ", ".join(c.name for c in candidates)
            raise UsageFailure(
                f"{path} defines {len(candidates)} workflows ({listed})",
                "pick one with `--workflow NAME`",
            )
        return candidates[0]
    for candidate in candidates:
        if name in (candidate.name, candidate.class_name):
            return candidate
    names = [c.name for c in candidates]
    close = close_match(name, names)
    hints = [f"did you mean `{close}`?"] if close else [f"workflows in {path}: {', '.join(names)}"]
    raise UsageFailure(f"no workflow named `{name}` in {path}", *hints)


def _emit(image: bytes, output_format: GraphFormat, output: Path | None) -> None:
    if output is not None:
        try:
            write_regular(output, image)  # a named pipe without a reader blocked it forever
        except OSError as failure:  # a bad `-o` is the command line's mistake, as `--out-dir`'s
            raise UsageFailure(f"cannot write to {output}: {describe(failure)}") from failure
        err(f"wrote {output}")
        return
    if output_format == "png" and sys.stdout.isatty():
        raise UsageFailure("a PNG is binary; write it to a file", "add `-o graph.png`")
    sys.stdout.flush()
    sys.stdout.buffer.write(image)
    sys.stdout.buffer.flush()


def register(app: typer.Typer) -> None:
    app.command("graph")(graph_command)
