"""Policies computed at run time: `attempts` and `timeout` given as expressions.

`run_action(call, retry=RetryPolicy(attempts=n), timeout=t)` evaluates `n` and `t` when the
call is made, after the action's arguments, as CPython does. The values are checked the way
`run_with_policy` uses them and kept with the pending call in the wait record (`PendingCall.policy`),
so its retries use the values of its own dispatch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from waymark_runtime import ir
from waymark_runtime.actions import deadline_seconds, seconds
from waymark_runtime.interpreter.code import Env, Eval
from waymark_runtime.interpreter.persisted import PendingCall
from waymark_runtime.values import ExceptionValue, exception_value

Resolve = Callable[[Env], dict[str, Any]]

ACTION_TIMEOUT = "waymark_runtime.actions:ActionTimeout"
# Retried only when a policy names them: a timed-out attempt may have done its work, and a
# result that cannot be stored would not store next time either.
NOT_RETRIED_BY_DEFAULT = (ACTION_TIMEOUT, "waymark_runtime.errors:ValueNotSerializable")


def compile_policy(policy: Any, compile_expr: Callable[[Any], Eval]) -> Resolve | None:
    """A closure evaluating the computed fields of `policy`; None when they are all constants."""
    if not isinstance(policy, ir.Policy):
        return None
    computed = [
        (name, compile_expr(value), check)
        for name, value, check in (
            ("attempts", policy.attempts_expr, _attempts),
            ("timeout", policy.timeout_expr, _wait_for if policy.plain_timeout else _seconds),
        )
        if value is not None
    ]
    if not computed:
        return None

    def resolve(env: Env) -> dict[str, Any]:
        return {name: check(value(env)) for name, value, check in computed}

    return resolve


def effective(policy: Any, call: PendingCall) -> Any:
    """The policy a pending call runs under: its site's, with the values computed at dispatch."""
    computed = call.policy
    if computed is None or not isinstance(policy, ir.Policy):
        return policy
    return replace(policy, **computed)


def _attempts(value: Any) -> int:
    if value.__class__ is bool or not isinstance(value, int):
        raise TypeError(f"RetryPolicy attempts must be an int, not {type(value).__name__}")
    return int(value)


def _seconds(value: Any) -> float | None:
    """`run_action`'s timeout: None, a `timedelta`, or anything `float()` accepts."""
    return seconds(value)


def _wait_for(value: Any) -> float | None:
    """`asyncio.wait_for`'s timeout: None or a number (CPython compares it with 0 first, so a
    `timedelta` or a string is a `TypeError`); at 0 or less the call times out unrun."""
    if value is None:
        return None
    if value <= 0:
        raise TimeoutError()
    return deadline_seconds(float(value))


def retries(policy: ir.Policy | None, error: ExceptionValue, attempt: int) -> bool:
    """`run_action` semantics: attempts are total executions; exception types match bases."""
    if policy is None or attempt >= (policy.attempts or 1):
        return False
    if policy.exception_types is None:
        return not any(error.is_a(path) for path in NOT_RETRIED_BY_DEFAULT)
    return any(error.is_a(name) for name in policy.exception_types)


def backoff(policy: ir.Policy, retry: int) -> tuple[float, float]:
    """Delay and jitter before retry `retry` (1-based)."""
    shape = policy.backoff
    if shape is None:
        return float(policy.backoff_seconds or 0.0), 0.0
    delay = shape.base_delay * shape.multiplier ** (retry - 1)
    if shape.max_delay is not None:
        delay = min(delay, shape.max_delay)
    return delay, shape.jitter


def as_raised(policy: Any, error: ExceptionValue) -> ExceptionValue:
    """The error a finished call raises: `asyncio.wait_for`'s timeout is a plain `TimeoutError`
    with no message, as CPython's is (also for an attempt lost past its retries)."""
    if isinstance(policy, ir.Policy) and policy.plain_timeout and error.is_a(ACTION_TIMEOUT):
        return exception_value(TimeoutError())
    return error
