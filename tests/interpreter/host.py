"""A minimal pure host for interpreter tests: runs actions in-process, finishes sleeps at once,
and round-trips the state through its JSON codec and JSON text between every step (so every test also proves the
state is plain JSON and that resuming from it works)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from waymark_runtime import ir
from waymark_runtime.effects import (
    ActionFinished,
    Complete,
    DispatchAction,
    Effect,
    Event,
    Fail,
    SleepFinished,
    StartSleep,
    WriteLog,
)
from waymark_runtime.execute import execute_action
from waymark_runtime.interpreter import (
    InstanceState,
    StepContext,
    advance,
    decode_state,
    encode_state,
    start,
)
from waymark_runtime.values import from_json, to_json


@dataclass
class Trace:
    """Everything a run produced, for assertions on effects and states."""

    effects: list[list[Effect]] = field(default_factory=list)
    states: list[InstanceState] = field(default_factory=list)

    def dispatched(self) -> list[DispatchAction]:
        return [e for batch in self.effects for e in batch if isinstance(e, DispatchAction)]


Order = Callable[[list[Event]], list[Event]]


async def drive(
    program: ir.Workflow,
    inputs: dict[str, Any],
    *,
    trace: Trace | None = None,
    order: Order | None = None,
    max_steps: int = 10_000,
) -> tuple[Any, ...]:
    """Run to the end: ("returned", value) or ("raised", type qualname, message)."""
    trace = trace if trace is not None else Trace()
    context = StepContext()
    state, effects = start(program, {k: to_json(v) for k, v in inputs.items()}, context)
    for _ in range(max_steps):
        state = decode_state(json.loads(json.dumps(encode_state(state))))
        trace.states.append(state)
        trace.effects.append(effects)
        events: list[Event] = []
        for effect in effects:
            if isinstance(effect, Complete):
                return ("returned", from_json(effect.result))
            if isinstance(effect, Fail):
                return ("raised", effect.error["type"].rpartition(":")[2], effect.error["message"])
            if isinstance(effect, WriteLog):
                continue  # a log line asks for nothing back
            events.append(await _perform(effect))
        state, effects = advance(program, state, order(events) if order else events, context)
    raise AssertionError("the program did not finish")


async def _perform(effect: Effect) -> Event:
    if isinstance(effect, StartSleep):
        return SleepFinished(node=effect.node)
    assert isinstance(effect, DispatchAction)
    outcome = await execute_action(
        effect.action, effect.args, effect.kwargs, timeout=effect.timeout
    )
    return ActionFinished(
        node=effect.node, attempt=effect.attempt, ok=outcome.ok, value=outcome.value
    )
