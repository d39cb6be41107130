"""`waymark run FILE[:WORKFLOW] --input JSON` and `waymark run --resume ID`.

Compiles the file, checks the input against `run()`'s parameters, imports the file as the user
module (its directory first on `sys.path`, for this process and the workers), then runs the
instance durably with a runner and worker processes inside this command, on the embedded
database (or `WAYMARK_DATABASE_URL`). Progress goes to stderr, the result as JSON to stdout.
The runner here claims this command's instance only, never other work queued in the database.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from waymark_compiler.cli._database import (
    Interrupted,
    instance_id,
    load_settings,
    load_snapshot,
    open_store,
    run_async,
    unreachable,
)
from waymark_compiler.cli._output import CliError, UsageFailure, err, out, printable
from waymark_compiler.cli._reference import split_reference
from waymark_compiler.cli._values import exception_text, plain, pretty
from waymark_runtime.import_guard import exits_refused

if TYPE_CHECKING:
    from waymark_compiler.cli._dedicated import Ended
    from waymark_compiler.cli._placement import Snapshot
    from waymark_runtime.config import Settings
    from waymark_runtime.step_plan import InstanceOutcome
    from waymark_runtime.store.postgres import PostgresStore
    from waymark_runtime.workflows import WorkflowDefinition

_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}  # fmt: skip

TargetArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="FILE[:WORKFLOW]",
        help="The Python file, and the workflow when it defines several.",
        show_default=False,
    ),
]
InputOption = Annotated[
    list[str] | None,
    typer.Option(
        "--input",
        "-i",
        metavar="JSON",
        help="run()'s arguments as a JSON object (repeat it to give them in parts).",
        show_default=False,
    ),
]
ResumeOption = Annotated[
    str | None,
    typer.Option(
        "--resume", metavar="ID", help="Continue an interrupted instance.", show_default=False
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress; only the result on stdout.")
]


@dataclass(frozen=True, slots=True)
class Target:
    path: Path
    workflow: str | None


def run_command(
    target: TargetArgument = None,
    input_json: InputOption = None,
    resume: ResumeOption = None,
    quiet: QuietOption = False,
) -> None:
    """Run a workflow durably here, with workers in this process, and print its result.

    Ctrl-C stops early and keeps the instance: `waymark run --resume ID` continues it.
    """
    if resume is not None:
        if input_json:
            raise UsageFailure("--input cannot be used with --resume: the instance has its inputs")
        chosen = _target(target) if target is not None else None
        _finish(run_async(_resume(instance_id(resume), chosen, quiet)))
        return
    if target is None:
        raise UsageFailure(
            "missing FILE[:WORKFLOW]", "example: waymark run flows.py:Orders --input '{\"n\": 1}'"
        )
    chosen = _target(target)
    fresh, module = _prepare(chosen, _inputs(input_json))
    _finish(run_async(_fresh(fresh, chosen, module, quiet)))


# before anything runs: the file, the workflow, the input ------------------------------------


def _target(text: str) -> Target:
    path, name = split_reference(text)
    chosen = Path(path)
    if not chosen.exists():
        raise UsageFailure(f"path does not exist: {chosen}")
    if not chosen.is_file() or chosen.suffix != ".py":
        raise UsageFailure(f"not a Python file: {chosen}", "waymark run takes one .py file")
    return Target(chosen, name or None)


def _inputs(texts: list[str] | None) -> dict[str, Any]:
    """run()'s arguments: each `--input` is a JSON object; a key may be given once in all."""
    inputs: dict[str, Any] = {}
    for text in texts or ():
        for key, value in _input(text).items():
            if key in inputs:
                raise UsageFailure(
                    f"--input gives `{printable(key)}` twice", "give each argument once"
                )
            inputs[key] = value
    return inputs


def _input(text: str) -> dict[str, Any]:
    from waymark_runtime.values.text import UnreadableJson, read_json

    try:
        value = read_json(text)
    except UnreadableJson as failure:
        raise UsageFailure(
            f"--input is not valid JSON: {failure}",
            'quote it for the shell: --input \'{"user_ids": ["u1"]}\'',
        ) from None
    if not isinstance(value, dict):
        raise UsageFailure(
            f"--input must be a JSON object of run()'s arguments, got {_JSON_KINDS[type(value)]}",
            'example: --input \'{"user_ids": ["u1"]}\'',
        )
    return value


@dataclass(frozen=True, slots=True)
class Fresh:
    """A new instance to run: the compiled definition and its checked inputs."""

    definition: WorkflowDefinition
    inputs: dict[str, Any]


def _prepare(target: Target, inputs: dict[str, Any]) -> tuple[Fresh, str]:
    """Compile (errors: exit 1), pick the workflow and check the inputs (exit 2), import."""
    from waymark_compiler.cli.graph_command import load, select

    candidates = load(target.path)
    if target.workflow is None and len(candidates) > 1:
        names = ", ".join(c.name for c in candidates)
        raise UsageFailure(
            f"{target.path} defines {len(candidates)} workflows ({names})",
            f"name one: waymark run {target.path}:{candidates[0].name}",
        )
    candidate = select(candidates, target.workflow, target.path)
    _check_names(candidate.program.run.params, inputs, candidate.name)
    module = _import_file(target.path, skip_compile=False)
    from waymark_runtime.workflows import registered_workflow

    definition = registered_workflow(candidate.name)
    if definition is None:
        raise CliError(f"importing {target.path} did not define workflow {candidate.name}")
    return Fresh(definition, _validated(definition, inputs)), module


def _check_names(params: tuple[Any, ...], inputs: dict[str, Any], workflow: str) -> None:
    names = [param.name for param in params]
    signature = ", ".join(names) or "no arguments"
    for key in inputs:
        if key not in names:
            from waymark_runtime.errors import close_match

            close = close_match(key, names)
            hint = f"did you mean `{close}`?" if close else f"{workflow}.run takes {signature}"
            raise UsageFailure(f"{workflow}.run() has no parameter `{key}`", hint)
    missing = [p.name for p in params if p.default is None and p.name not in inputs]
    if missing:
        listed = ", ".join(f"`{name}`" for name in missing)
        raise UsageFailure(
            f"missing input {listed} for {workflow}.run()", f"{workflow}.run takes {signature}"
        )


def _validated(definition: WorkflowDefinition, inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs validated into run()'s annotated types, as every entry point does."""
    from waymark_runtime.inputs import InvalidInputError, validated_inputs
    from waymark_runtime.values import ValueNotSerializable

    try:
        return validated_inputs(definition, inputs)
    except InvalidInputError as failure:
        raise UsageFailure(str(failure)) from None
    except ValueNotSerializable as failure:
        raise UsageFailure(f"--input: {failure}") from None


def _import_file(path: Path, *, skip_compile: bool) -> str:
    """Import the file as the user module; its package root goes first on `sys.path` here and
    on the workers' `PYTHONPATH`. Returns the module name."""
    from waymark_compiler.finder import package_root

    root, module = package_root(path)
    _import(module, root, skip_compile)
    return module


def _import(module: str, root: Path, skip_compile: bool) -> None:
    from waymark_runtime.errors import import_failure

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    paths = [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    if skip_compile:  # a resumed instance keeps its stored program, whatever the file says now
        os.environ["WAYMARK_WORKER_PROCESS"] = "1"
    try:
        with exits_refused(module):
            importlib.import_module(module)
    except BaseException as failure:  # `sys.exit()` at import too: it is not ours to exit
        why = f"cannot import {module} (from {root}): {import_failure(failure)}"
        if isinstance(failure, KeyboardInterrupt):  # a Ctrl-C, or the module raised it
            raise Interrupted(why) from None
        raise CliError(why) from failure


# running (the run itself is `_dedicated.drive`) ----------------------------------------------


async def _fresh(fresh: Fresh, target: Target, module: str, quiet: bool) -> Ended:
    from waymark_compiler.cli._dedicated import FocusedStore, drive
    from waymark_runtime.engine import NewInstance
    from waymark_runtime.flow import rules_of
    from waymark_runtime.store.postgres import now
    from waymark_runtime.values import ValueNotSerializable, inputs_json
    from waymark_runtime.workflows import family_of

    definition, settings = fresh.definition, _settings((module,))
    try:  # refused before anything is written, as a client's run() refuses them
        inputs = inputs_json(fresh.inputs, settings.max_payload_bytes)
    except ValueNotSerializable as failure:
        raise UsageFailure(f"--input: {failure}") from None
    store = await open_store(settings, FocusedStore)
    try:
        members = family_of(definition)
        family = tuple((d.name, d.version, d.wrl) for d in members)
        # the class's deadline and concurrency limit, as a client's run() keeps them
        spec = NewInstance(workflow=definition.name, version=definition.version,
                           wrl=definition.wrl, inputs=inputs, priority=0,
                           family=family, flow=rules_of(definition, members))  # fmt: skip
        with unreachable():  # the instance may or may not have been created
            [instance] = await store.create_instances([spec], now())
        return await drive(store, settings, instance, _resume_hint(instance, target), quiet)
    finally:
        await store.close()


async def _resume(instance: str, target: Target | None, quiet: bool) -> Ended:
    from waymark_compiler.cli._dedicated import Ended, FocusedStore, drive

    modules: tuple[str, ...] = ()
    if target is not None:
        modules = (_import_file(target.path, skip_compile=True),)
    store = await open_store(_settings(modules), FocusedStore)
    try:
        with unreachable("check that PostgreSQL is up; nothing of the instance was changed"):
            snapshot = await load_snapshot(store, instance)
            hint = _resume_hint(instance, target)
            if snapshot.finished:
                return Ended(instance, _outcome_of(snapshot), hint, snapshot.status == "cancelled")
            if target is not None and target.workflow not in (None, snapshot.workflow):
                raise UsageFailure(
                    f"instance {instance} runs {snapshot.workflow}, not {target.workflow}"
                )
            if target is None:
                raise _needs_file(snapshot)
            await _say_if_held(store, instance)
        return await drive(store, _settings(modules), instance, hint, quiet)
    finally:
        await store.close()


async def _say_if_held(store: PostgresStore, instance: str) -> None:
    """A runner that died (or still runs elsewhere) holds its lease until it expires."""
    from waymark_runtime.store.postgres import now

    row = await store.status(instance)
    expires = row["lease_expires_at"] if row is not None else None
    if row is not None and row["lease_owner"] and expires is not None:
        wait = max(expires - now(), 0.0)
        owner = printable(row["lease_owner"])
        err(f"instance {instance} is held by runner {owner}: it continues here once that "
            f"runner lets it go, or its lease lapses ({wait:.0f}s, if that runner is gone)")  # fmt: skip


def _needs_file(snapshot: Snapshot) -> UsageFailure:
    """An unfinished instance resumes only with its file: a stored program never decides what
    this process imports."""
    return UsageFailure(
        f"resuming instance {snapshot.id} needs the file that defines {snapshot.workflow}",
        f"pass it: `waymark run FILE --resume {snapshot.id}`",
    )


def _settings(modules: tuple[str, ...]) -> Settings:
    """Settings from the environment, with this command's user modules; one worker unless
    `WAYMARK_WORKER_COUNT` says otherwise (quick to start, and plenty for one instance)."""
    from waymark_compiler.cli._dedicated import SHUTDOWN_SECONDS

    changes: dict[str, Any] = {"user_modules": modules}
    if not os.environ.get("WAYMARK_WORKER_COUNT", "").strip():
        changes["worker_count"] = 1
    grace = load_settings().shutdown_grace_seconds
    changes["shutdown_grace_seconds"] = min(grace, SHUTDOWN_SECONDS)
    return load_settings(**changes)


def _resume_hint(instance: str, target: Target | None) -> str:
    where = f" {target.path}" if target is not None else ""
    return f"waymark run{where} --resume {instance}"


def _outcome_of(snapshot: Snapshot) -> InstanceOutcome:
    from waymark_runtime.step_plan import InstanceOutcome

    ok = snapshot.status == "completed"
    return InstanceOutcome(ok=ok, value=snapshot.result if ok else snapshot.error)


def _finish(ended: Ended) -> None:
    """The result on stdout (exit 0); a failure on stderr (exit 1); Ctrl-C (exit 130)."""
    if ended.outcome is None:
        raise Interrupted(
            f"instance {ended.instance} is kept", f"continue it with `{ended.resume}`"
        )
    if ended.outcome.ok:
        out(pretty(plain(ended.outcome.value)))
        return
    what = "was cancelled" if ended.cancelled else "failed"
    raise CliError(
        f"instance {ended.instance} {what}: {exception_text(ended.outcome.value)}",
        f"see every attempt with `waymark instances show {ended.instance}`",
    )


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
