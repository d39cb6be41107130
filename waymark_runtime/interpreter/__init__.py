"""The pure, resumable interpreter of the Waymark Runtime Language.

`start(program, inputs, context)` and `advance(program, state, events, context)` return the new
state (a declared, versioned `InstanceState`; `encode_state`/`decode_state` are its JSON codec)
and the effects the host must carry out; a host that keeps an instance between steps keeps its
`LiveInstance` (the same steps, without a decode and encode each). No clock, randomness or I/O, and no state between
calls but the host's `StepContext` (limits, type resolver, and what they bind); classes are
constructed only through the context's `TypeResolver` (default: the type registry).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.effects import Effect, Event
from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.context import StepContext
from waymark_runtime.interpreter.limits import LimitExceeded, Limits
from waymark_runtime.interpreter.live import LiveInstance
from waymark_runtime.interpreter.persisted import (
    FAILED,
    CallsWait,
    InstanceState,
    PendingCall,
    SavedFrame,
    SignalWait,
    SleepWait,
    StateFormatError,
    Wait,
)
from waymark_runtime.interpreter.persisted_codec import STATE_VERSION, decode_state, encode_state
from waymark_runtime.values import TypeResolver

__all__ = [
    "FAILED",
    "STATE_VERSION",
    "CallsWait",
    "InstanceState",
    "LimitExceeded",
    "Limits",
    "LiveInstance",
    "PendingCall",
    "ProgramError",
    "SavedFrame",
    "SignalWait",
    "SleepWait",
    "StateFormatError",
    "StepContext",
    "TypeResolver",
    "Wait",
    "advance",
    "decode_state",
    "encode_state",
    "start",
]


def start(
    program: ir.Workflow, inputs: dict[str, Any], context: StepContext | None = None
) -> tuple[InstanceState, list[Effect]]:
    """Begin an instance: `inputs` are JSON-shaped (`values.to_json`) `run()` arguments.

    The context's limits bound the operations of this call and the sizes of the values it
    creates; one exceeded fails the instance with `LimitExceeded`. Without a context, a fresh
    `StepContext()` (default limits, the type registry), which compiles the program anew:
    hosts keep one.
    """
    live, effects = LiveInstance.start(program, inputs, context or StepContext())
    return live.saved(), effects


def advance(
    program: ir.Workflow,
    state: InstanceState,
    events: Sequence[Event],
    context: StepContext | None = None,
) -> tuple[InstanceState, list[Effect]]:
    """Feed events (oldest first) to a paused instance; stale or duplicate events are ignored.

    `state` is frozen and stays as it was; a step over a large gather costs O(its events) plus
    a copy of the list of its calls (and the new state's encoding). A host that keeps an
    instance between steps keeps its `LiveInstance` instead: no decode, and no encode when
    the events only settle calls.
    """
    live = LiveInstance.resume(program, state, context or StepContext())
    effects = live.deliver(events)
    return live.saved(), effects
