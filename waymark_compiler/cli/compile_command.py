"""`waymark compile`: lint workflow sources and emit their `.wrl` programs.

A one-screen driver over `waymark_compiler.api`: collect files, compile each, then report
(text or JSON), write the lockfile directory (`--out-dir`) or compare against it (`--check`).
It owns no compiler logic and renders diagnostics only through `diagnostics.render`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from waymark_compiler.cli._drift import Drift, find_drift, write_lockfile
from waymark_compiler.cli._explain import explain_rule
from waymark_compiler.cli._files import collect_files
from waymark_compiler.cli._options import OutputFormat
from waymark_compiler.cli._output import (
    EXIT_FAILURE,
    EXIT_OK,
    CliError,
    UsageFailure,
    err,
    error,
    out,
    plural,
    status,
    use_color,
    warning,
)
from waymark_compiler.cli._sources import Unread, compile_file
from waymark_compiler.diagnostics import Diagnostic, render
from waymark_compiler.files import describe

if TYPE_CHECKING:
    from waymark_compiler.api import CompiledWorkflow, ModuleResult

# Registry names become file names in the lockfile directory; refuse anything path-like. Letters
# and digits of any script are fine (a class may be named `Wörkflow`).
_FILE_SAFE_NAME = re.compile(r"^\w[\w.-]*$")


@dataclass(slots=True)
class Outcome:
    """Everything one `compile` run found, before anything is printed."""

    results: list[ModuleResult]
    problems: list[str] = field(default_factory=list)
    unread: int = 0  # files that could not be read (each is one of `problems`)
    drift: list[Drift] = field(default_factory=list)

    @property
    def workflows(self) -> list[CompiledWorkflow]:
        return [workflow for result in self.results for workflow in result.workflows]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [diagnostic for result in self.results for diagnostic in result.diagnostics]

    def count(self, severity: str) -> int:
        return sum(1 for diagnostic in self.diagnostics if diagnostic.severity == severity)

    @property
    def failed(self) -> bool:
        failing_drift = any(drift.fails for drift in self.drift)
        return bool(self.count("error") or self.problems or failing_drift)


Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Python files or directories (searched recursively for *.py).",
        metavar="PATHS",
        show_default=False,
    ),
]
OutDir = Annotated[
    Path | None,
    typer.Option(
        "--out-dir", metavar="DIR", help="Write one <WorkflowName>.wrl per workflow into DIR."
    ),
]
CheckDir = Annotated[
    Path | None,
    typer.Option(
        "--check",
        metavar="DIR",
        help="Fail when the .wrl files committed in DIR differ from the code.",
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", help="Report as text or as one JSON object on stdout.")
]
ExplainOption = Annotated[
    str | None,
    typer.Option("--explain", metavar="CODE", help="Print the documentation of a rule and exit."),
]


def compile_command(
    paths: Paths = None,
    out_dir: OutDir = None,
    check: CheckDir = None,
    output_format: FormatOption = OutputFormat.text,
    explain: ExplainOption = None,
) -> None:
    """Lint workflow sources and emit their .wrl programs."""
    as_json = output_format is OutputFormat.json
    if explain is not None:
        explain_rule(explain, as_json)
        return
    outcome = run_compile(paths or [], out_dir=out_dir, check=check)
    if as_json:
        out(json.dumps(outcome_json(outcome, with_drift=check is not None), indent=2))
        for problem in outcome.problems:
            error(problem)
    else:
        report_text(outcome, emit_wrl=out_dir is None and check is None, check=check)
    raise typer.Exit(EXIT_FAILURE if outcome.failed else EXIT_OK)


def run_compile(paths: Sequence[Path], *, out_dir: Path | None, check: Path | None) -> Outcome:
    if not paths:
        raise UsageFailure(
            "no paths to compile", "pass files or directories: `waymark compile src/`"
        )
    if out_dir is not None and check is not None:
        raise UsageFailure("`--out-dir` and `--check` cannot be used together")
    outcome = Outcome([])
    for path in collect_files(paths, ".py"):
        result = compile_file(path)
        if isinstance(result, Unread):  # reported; the other files still compile
            outcome.problems.append(result.message)
            outcome.unread += 1
        else:
            outcome.results.append(result)
    lockfile = _lockfile(outcome, files=out_dir is not None or check is not None)
    clean = not outcome.failed
    if check is not None:
        # A file with errors yields no workflows; its committed .wrl is not stale, just unchecked.
        try:
            outcome.drift = find_drift(lockfile, check, stale=clean)
        except OSError as exc:
            raise CliError(f"cannot read {exc.filename or check}: {describe(exc)}") from exc
    if out_dir is not None:
        _write(lockfile, out_dir, prune=clean)
    return outcome


def _lockfile(outcome: Outcome, *, files: bool) -> dict[str, str]:
    """`{file name: .wrl text}`; name clashes, and names that cannot be file names when there
    are `files` to write or compare, are recorded as problems (such a name is left out: a
    `name = "../x"` would write outside the directory)."""
    seen: dict[str, CompiledWorkflow] = {}
    for workflow in outcome.workflows:
        first = seen.setdefault(workflow.name, workflow)
        if first is not workflow:
            outcome.problems.append(
                f"two workflows are named `{workflow.name}`: "
                f"{first.path}:{first.line} and {workflow.path}:{workflow.line}"
            )
        elif files and not _FILE_SAFE_NAME.match(workflow.name):
            outcome.problems.append(
                f"workflow name `{workflow.name}` cannot be used as a file name"
            )
    return {
        f"{name}.wrl": workflow.wrl
        for name, workflow in seen.items()
        if _FILE_SAFE_NAME.match(name) or not files
    }


def _write(lockfile: dict[str, str], directory: Path, *, prune: bool) -> None:
    try:
        written, removed = write_lockfile(lockfile, directory, prune=prune)
    except OSError as exc:
        raise UsageFailure(f"cannot write to {exc.filename or directory}: {describe(exc)}") from exc
    for path in removed:
        status(f"removed stale {path}")
    status(
        f"wrote {plural(len(written), 'file')} to {directory} ({len(lockfile) - len(written)} unchanged)"
    )


def report_text(outcome: Outcome, *, emit_wrl: bool, check: Path | None) -> None:
    """Diagnostics and the summary on stderr; with `emit_wrl`, the programs on stdout."""
    if outcome.diagnostics:
        sources = {result.path: result.source for result in outcome.results}
        err(render(outcome.diagnostics, sources, color=use_color(sys.stderr)).rstrip("\n"))
    for result in outcome.results:
        if result.omitted:
            warning(f"{plural(result.omitted, 'more diagnostic')} in {result.path} not shown")
    for problem in outcome.problems:
        error(problem)
    if emit_wrl:
        out("\n".join(workflow.wrl for workflow in outcome.workflows), end="")
    for drift in outcome.drift:
        out(drift.diff, end="")
        report = error if drift.fails else warning
        report(_DRIFT_MESSAGES[drift.status].format(path=drift.path))
    _summary(outcome, check)


_DRIFT_MESSAGES = {
    "missing": "{path} is missing",
    "changed": "{path} is out of date",
    "moved": "{path} has moved source positions (same behaviour, same version)",
    "stale": "{path} has no workflow any more",
}


def _summary(outcome: Outcome, check: Path | None) -> None:
    errors, warnings = outcome.count("error"), outcome.count("warning")
    unread = f"; {plural(outcome.unread, 'file')} could not be read" if outcome.unread else ""
    if errors:
        files = len({d.path for d in outcome.diagnostics if d.severity == "error"})
        extra = f" and {plural(warnings, 'warning')}" if warnings else ""
        status(f"Found {plural(errors, 'error')}{extra} in {plural(files, 'file')}{unread}")
        return
    workflows = outcome.workflows
    if not outcome.results:
        if not outcome.unread:
            warning("no Python files found")
    elif not workflows:
        warning(f"no workflows found in {plural(len(outcome.results), 'file')}")
    files = len({workflow.path for workflow in workflows})
    tail = f" ({plural(warnings, 'warning')})" if warnings else ""
    status(
        f"compiled {plural(len(workflows), 'workflow')} in {plural(files, 'file')}{tail}{unread}"
    )
    if check is not None:
        _check_summary(outcome, check)


def _check_summary(outcome: Outcome, check: Path) -> None:
    hint = f"run `waymark compile <paths> --out-dir {check}` and commit the result"
    failing = [drift for drift in outcome.drift if drift.fails]
    moved = len(outcome.drift) - len(failing)
    if failing:
        verb = "differs" if len(failing) == 1 else "differ"
        error(f"{plural(len(failing), 'file')} in {check} {verb} from the code", hint)
    elif moved:
        verb = "differs" if moved == 1 else "differ"
        warning(
            f"{plural(moved, 'file')} in {check} {verb} from the code in source positions only",
            hint,
        )
    elif not outcome.problems:
        status(f"{check} is up to date")


def outcome_json(outcome: Outcome, *, with_drift: bool) -> dict[str, Any]:
    document: dict[str, Any] = {
        "workflows": [_workflow_json(workflow) for workflow in outcome.workflows],
        "diagnostics": [diagnostic_json(diagnostic) for diagnostic in outcome.diagnostics],
    }
    if with_drift:
        document["drift"] = [
            {"path": str(d.path), "status": d.status, "diff": d.diff} for d in outcome.drift
        ]
    return document


def _workflow_json(workflow: CompiledWorkflow) -> dict[str, Any]:
    keys = ("name", "class_name", "path", "line", "version", "wrl", "signals")
    return {key: getattr(workflow, key) for key in keys}


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "path": str(diagnostic.path),
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "help": diagnostic.help,
    }


def register(app: typer.Typer) -> None:
    app.command("compile")(compile_command)
