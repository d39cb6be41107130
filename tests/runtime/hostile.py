"""Hostile stored programs and payloads, and the traps that prove they did nothing.

Each case is an instance of workflow `Hostile` whose `.wrl` text or input a stranger wrote. A
`Traps` directory holds the files the cases try to create or delete and a module (`evil_*`) that
writes a file when imported; `Traps.sprung()` lists every side effect that happened.
"""

from __future__ import annotations

import gc
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waymark_runtime.engine import NewInstance
from waymark_runtime.values import ModelValue
from waymark_runtime.wrl import version_of_canonical

NOOP = "tests.runtime.runtime_flows:noop"


@dataclass(frozen=True)
class Case:
    """`body` is `run(value)`'s body; `error` a fragment of the failure (None: the result is
    the payload, kept as structural data)."""

    id: str
    body: str
    error: str | None
    value: Any = None


class Traps:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.marker = directory / "marker"
        self.victim = directory / "victim"
        self.victim.write_text("keep me")
        self.evil = f"evil_{uuid.uuid4().hex[:8]}"
        imported = directory / "imported"
        (directory / f"{self.evil}.py").write_text(f"open({str(imported)!r}, 'w').close()\n")
        self.imported = imported
        sys.modules.pop("this", None)

    def sprung(self) -> list[str]:
        gc.collect()  # objects built from a payload run their `__del__` now
        found = [str(p) for p in (self.marker, self.imported) if p.exists()]
        found += [f"{name} imported" for name in (self.evil, "this") if name in sys.modules]
        return found + ([] if self.victim.exists() else ["victim deleted"])

    def cases(self) -> list[Case]:
        marker, evil = str(self.marker), self.evil
        unavailable = "is not available to this runtime"
        return [
            Case("popen", f"return new subprocess:Popen(['touch', {marker!r}])", unavailable),
            Case("file_handler", f"return new logging:FileHandler({marker!r})", unavailable),
            Case("file_io", f"return new io:FileIO({marker!r}, 'w')", unavailable),
            Case("dunder_path", "return new sys:modules.__class__()", unavailable),
            Case("builtin_type", "return new builtins:type('X', (), {})", unavailable),
            Case("exit", "raise new builtins:SystemExit(3)", unavailable),
            Case("import_by_name", f"return new {evil}:Thing()", unavailable),
            Case("zen", "raise new this:Boom()", unavailable),
            Case("raise_class", "raise type logging:FileHandler", unavailable),
            Case("action_by_name", f"x = await action {evil}:act()", "no action is registered"),
            Case("os_system", f"x = await action os:system('touch {marker}')", "no action"),
            Case("str_maketrans", "return value.maketrans({})", "not allowed in a workflow", "x"),
            Case(
                "format_map",
                "return '{v.__class__}'.format_map(value)",
                "special attribute",
                {"v": 1},
            ),
            Case(
                "format_fields",
                "return '{0.__init__.__globals__}'.format(value)",
                "special attribute",
                1,
            ),
            Case("vars", "return vars(value)", "not a function a workflow may call"),
            *self.payloads(),
        ]

    def payloads(self) -> list[Case]:
        """Type tags naming classes that are no one's models, or exceptions in unloaded
        modules: they stay data, or fail the instance by name; nothing is built or imported."""
        closer = {"$t": "dataclass", "type": "tempfile:_TemporaryFileCloser",
                  "fields": {"file": "x", "name": str(self.victim), "delete": True}}  # fmt: skip
        popen = {"$t": "dataclass", "type": "subprocess:Popen", "fields": {"args": ["true"]}}
        handler = {"$t": "model", "type": "logging:FileHandler",
                   "fields": {"baseFilename": str(self.marker)}}  # fmt: skip
        return [
            Case("closer_result", "return value", None, closer),
            Case("closer_argument", f"x = await action {NOOP}(value)", "cannot be rebuilt", closer),
            Case("popen_result", "return value", None, popen),
            Case("handler_result", "return value", None, handler),
            Case("zen_error", "raise value", "boom", _error("this:Boom")),
            Case("evil_error", "raise value", "boom", _error(f"{self.evil}:Boom")),
            Case("exit_error", "raise value", "boom", _error("builtins:SystemExit")),
        ]


def _error(path: str) -> dict[str, Any]:
    return {"$t": "exception", "type": path, "bases": ["builtins:BaseException"],
            "message": "boom", "args": ["boom"], "attrs": {}}  # fmt: skip


def spec(case: Case) -> NewInstance:
    text = f"wrl 2\n\nworkflow Hostile\n\nfn run(value):\n    {case.body}\n"
    return NewInstance(
        workflow="Hostile",
        version=version_of_canonical(text),
        wrl=text,
        inputs={"value": case.value},
    )


def verdict(case: Case, outcome: tuple[str, Any]) -> str | None:
    """What is wrong with a case's outcome (`("data", value)` or `("raised", error)`), if
    anything: it must fail with its error, or give back its payload as structural data."""
    kind, found = outcome
    if case.error is None:
        return None if kind == "data" and isinstance(found, ModelValue) else f"{case.id}: {found!r}"
    if kind != "raised" or case.error not in str(found):
        return f"{case.id}: expected {case.error!r}, got {kind} {found!r}"
    if not isinstance(found, Exception):  # SystemExit, KeyboardInterrupt: never raised here
        return f"{case.id}: raised {type(found).__name__}"
    return None


async def outcome_of(waiting: Any) -> tuple[str, Any]:
    try:
        return "data", await waiting
    except BaseException as error:  # SystemExit too: a stored value may have raised it
        return "raised", error
