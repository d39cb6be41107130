"""The pure, resumable interpreter of the Waymark Runtime Language.

`start(program, inputs)` and `advance(program, state, events)` return the new state (a declared,
versioned `InstanceState`; `encode_state`/`decode_state` are its JSON codec) and the effects the
host must carry out. No clock, randomness or I/O; classes are constructed only through the
host's `TypeResolver` (default: the type registry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.effects import Effect, Event
from waymark_runtime.interpreter.library import TYPES, ProgramError
from waymark_runtime.interpreter.limits import METER, LimitExceeded, Limits
from waymark_runtime.interpreter.machine import Machine
from waymark_runtime.interpreter.persisted import (
    FAILED,
    STATE_VERSION,
    CallsWait,
    InstanceState,
    PendingCall,
    SavedFrame,
    SleepWait,
    StateFormatError,
    Wait,
    decode_state,
    encode_state,
)
from waymark_runtime.interpreter.program import compiled
from waymark_runtime.values import TypeResolver

_DEFAULT = Limits()

__all__ = [
    "FAILED",
    "STATE_VERSION",
    "CallsWait",
    "InstanceState",
    "LimitExceeded",
    "Limits",
    "PendingCall",
    "ProgramError",
    "SavedFrame",
    "SleepWait",
    "StateFormatError",
    "TypeResolver",
    "Wait",
    "advance",
    "decode_state",
    "encode_state",
    "start",
]


def start(
    program: ir.Workflow,
    inputs: dict[str, Any],
    *,
    types: TypeResolver | None = None,
    limits: Limits | None = None,
) -> tuple[InstanceState, list[Effect]]:
    """Begin an instance: `inputs` are JSON-shaped (`values.to_json`) `run()` arguments.

    `limits` bound the operations of this call and the sizes of the values it creates; one
    exceeded fails the instance with `LimitExceeded` (default: `Limits()`).
    """
    token = TYPES.set(types)
    METER.reset(limits or _DEFAULT)
    try:
        machine = Machine(compiled(program))
        machine.begin(inputs)
        return machine.finish()
    finally:
        TYPES.reset(token)


def advance(
    program: ir.Workflow,
    state: InstanceState,
    events: Sequence[Event],
    *,
    types: TypeResolver | None = None,
    limits: Limits | None = None,
) -> tuple[InstanceState, list[Effect]]:
    """Feed events (oldest first) to a paused instance; stale or duplicate events are ignored.

    `state` is frozen and stays as it was; a step over a large gather costs O(its events) plus
    a copy of the list of its calls.
    """
    token = TYPES.set(types)
    METER.reset(limits or _DEFAULT)
    try:
        machine = Machine.load(compiled(program), state)
        for event in events:
            machine.deliver(event)
        return machine.finish()
    finally:
        TYPES.reset(token)
