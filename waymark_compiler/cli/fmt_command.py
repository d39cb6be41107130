"""`waymark fmt`: re-print `.wrl` files in their canonical form, in place or as a `--check`.

Canonical means `dumps(parse(text))`; this module owns only the reading, writing and reporting
around those two runtime functions, never the format itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import typer

from waymark_compiler.cli._drift import unified_diff
from waymark_compiler.cli._files import collect_files
from waymark_compiler.cli._output import (
    EXIT_FAILURE,
    EXIT_OK,
    err,
    out,
    plural,
    status,
    warning,
)
from waymark_compiler.files import describe, read_regular
from waymark_runtime.errors import WrlSyntaxError

Verdict = Literal["unchanged", "reformatted", "malformed", "unreadable", "unwritable"]


@dataclass(frozen=True, slots=True)
class Formatted:
    path: Path
    verdict: Verdict


def fmt_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help=".wrl files or directories (searched recursively).",
            metavar="FILES",
            show_default=False,
        ),
    ],
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Change nothing; fail and show a diff when a file is not canonical."
        ),
    ] = False,
) -> None:
    """Re-print .wrl files in their canonical form."""
    paths = collect_files(files, ".wrl")
    if not paths:
        warning("no .wrl files found")
    results = [format_file(path, check=check) for path in paths]
    _summary(results, check=check)
    failed = any(
        r.verdict in ("malformed", "unreadable", "unwritable")
        or (check and r.verdict == "reformatted")
        for r in results
    )
    raise typer.Exit(EXIT_FAILURE if failed else EXIT_OK)


def format_file(path: Path, *, check: bool) -> Formatted:
    from waymark_runtime import wrl  # slow to load (it builds the parser); only needed here

    try:
        original = read_regular(path).decode("utf-8")
    except OSError as failure:  # a named pipe or a device is never opened for reading
        err(f"{path}: cannot read: {describe(failure)}")
        return Formatted(path, "unreadable")
    except UnicodeDecodeError as failure:
        err(f"{path}:{_describe(failure)}")
        return Formatted(path, "malformed")
    try:
        canonical = wrl.dumps(wrl.parse(original))
    except WrlSyntaxError as failure:
        err(f"{path}:{_describe(failure)}")
        return Formatted(path, "malformed")
    if canonical == original:
        return Formatted(path, "unchanged")
    if check:
        out(unified_diff(original, canonical, f"{path} (original)", f"{path} (formatted)"), end="")
        err(f"would reformat {path}")
    else:
        try:
            path.write_text(canonical, encoding="utf-8")
        except OSError as failure:
            err(f"{path}: cannot write: {describe(failure)}")
            return Formatted(path, "unwritable")
        err(f"reformatted {path}")
    return Formatted(path, "reformatted")


def _describe(failure: Exception) -> str:
    """`line:col: message` for syntax errors (already in `str`), ` message` otherwise."""
    if isinstance(failure, WrlSyntaxError):
        return str(failure) if failure.line else f" {failure}"
    if isinstance(failure, UnicodeDecodeError):
        return f" not valid UTF-8 (byte {failure.start}); .wrl files are UTF-8 text"
    return f" {failure}"


def _summary(results: list[Formatted], *, check: bool) -> None:
    counts = {
        v: sum(1 for r in results if r.verdict == v)
        for v in ("unchanged", "reformatted", "malformed", "unreadable", "unwritable")
    }
    parts = []
    if counts["reformatted"]:
        verb = "would be reformatted" if check else "reformatted"
        parts.append(f"{plural(counts['reformatted'], 'file')} {verb}")
    if counts["unchanged"]:
        parts.append(f"{plural(counts['unchanged'], 'file')} already formatted")
    if counts["malformed"]:
        parts.append(f"{plural(counts['malformed'], 'file')} could not be parsed")
    if counts["unreadable"]:
        parts.append(f"{plural(counts['unreadable'], 'file')} could not be read")
    if counts["unwritable"]:
        parts.append(f"{plural(counts['unwritable'], 'file')} could not be written")
    if parts:
        status(", ".join(parts))


def register(app: typer.Typer) -> None:
    app.command("fmt")(fmt_command)
