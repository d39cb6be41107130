"""What a pending call turns into: the effect that dispatches it, and how its failure reads.

Pure helpers of the machine (`machine.Machine`): the `DispatchAction` or `StartChild` of a call
under its effective policy, and an action's reported error as the exception the workflow sees.
No machine state here: the machine decides when a call is dispatched, retried or settled.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime import ir
from waymark_runtime.effects import DispatchAction, Effect, StartChild
from waymark_runtime.interpreter.code import ChildCall, Path
from waymark_runtime.interpreter.persisted import PendingCall
from waymark_runtime.values import ExceptionValue

HOST_ERRORS = ("waymark_runtime.execute:UnknownAction",)
"""Failures of the runtime itself, not of the action's code: they end the instance."""
_RUNTIME_ERROR = ("builtins:RuntimeError", "builtins:Exception", "builtins:BaseException")


def call_effect(
    call: PendingCall,
    policy: ir.Policy | None,
    delay: float,
    jitter: float,
    where: tuple[str | None, Path],
) -> Effect:
    """The effect that runs `call` (its attempt `call.attempt`): a child workflow to start,
    or an action attempt to dispatch after `delay` (plus up to `jitter`) seconds."""
    if isinstance(policy, ChildCall):
        return StartChild(node=call.node, workflow=call.target, inputs=dict(call.kwargs),
                          blocking=policy.blocking, site=where[0],
                          iteration=where[1])  # fmt: skip
    return DispatchAction(
        node=call.node,
        action=call.target,
        args=call.args,
        kwargs=dict(call.kwargs),
        attempt=call.attempt,
        delay=delay,
        jitter=jitter,
        timeout=policy.timeout if policy is not None else None,
        site=where[0],
        iteration=where[1],
        attempts=(policy.attempts or 1) if policy is not None else 1,
    )


def as_exception(value: Any) -> ExceptionValue:
    """An action's reported error as an exception value (a bare value: a `RuntimeError`)."""
    if isinstance(value, ExceptionValue):
        return value
    return ExceptionValue(_RUNTIME_ERROR, f"action failed: {value!r}")


def refused_by_host(error: ExceptionValue) -> bool:
    """The runtime refused the call (an unknown action): no retry, no handler."""
    return any(error.is_a(path) for path in HOST_ERRORS)
