"""The pure, resumable interpreter of the Waymark Runtime Language.

`start(program, inputs)` and `advance(program, state, events)` return the new state (a plain,
versioned JSON dict) and the effects the host must carry out. No clock, randomness or I/O;
classes are constructed only through the host's `TypeResolver` (default: the type registry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.effects import Effect, Event
from waymark_runtime.interpreter.journal import writing
from waymark_runtime.interpreter.library import TYPES, ProgramError
from waymark_runtime.interpreter.limits import METER, LimitExceeded, Limits
from waymark_runtime.interpreter.machine import STATE_VERSION, Machine, State
from waymark_runtime.interpreter.program import compiled
from waymark_runtime.values import TypeResolver

_DEFAULT = Limits()

__all__ = [
    "STATE_VERSION",
    "LimitExceeded",
    "Limits",
    "ProgramError",
    "State",
    "TypeResolver",
    "advance",
    "start",
]


def start(
    program: ir.Workflow,
    inputs: dict[str, Any],
    *,
    types: TypeResolver | None = None,
    limits: Limits | None = None,
) -> tuple[State, list[Effect]]:
    """Begin an instance: `inputs` are JSON-shaped (`values.to_json`) `run()` arguments.

    `limits` bound the operations of this call and the sizes of the values it creates; one
    exceeded fails the instance with `LimitExceeded` (default: `Limits()`).
    """
    token = TYPES.set(types)
    METER.reset(limits or _DEFAULT)
    try:
        machine = Machine(compiled(program))
        with writing(machine.journal):
            machine.begin(inputs)
        return machine.finish()
    finally:
        TYPES.reset(token)


def advance(
    program: ir.Workflow,
    state: State,
    events: Sequence[Event],
    *,
    types: TypeResolver | None = None,
    limits: Limits | None = None,
    consume: bool = False,
) -> tuple[State, list[Effect]]:
    """Feed events (oldest first) to a paused instance; stale or duplicate events are ignored.

    `state` is left as it was, unless the host hands it over (`consume=True`: it keeps only
    the new state), which lets a step over a large gather cost O(its events), not O(calls).
    """
    token = TYPES.set(types)
    METER.reset(limits or _DEFAULT)
    try:
        machine = Machine.load(compiled(program), state, consume=consume)
        with writing(machine.journal):
            for event in events:
                machine.deliver(event)
        return machine.finish()
    finally:
        TYPES.reset(token)
