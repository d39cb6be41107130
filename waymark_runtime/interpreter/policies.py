"""Policies computed at run time: `attempts` and `timeout` given as expressions.

`run_action(call, retry=RetryPolicy(attempts=n), timeout=t)` evaluates `n` and `t` when the
call is made, after the action's arguments, as CPython does. The values are checked the way
`run_with_policy` uses them and kept with the pending call in the wait record (`PendingCall.policy`),
so its retries use the values of its own dispatch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from waymark_runtime import ir
from waymark_runtime.interpreter.code import Env, Eval
from waymark_runtime.interpreter.persisted import PendingCall

Resolve = Callable[[Env], dict[str, Any]]


def compile_policy(policy: Any, compile_expr: Callable[[Any], Eval]) -> Resolve | None:
    """A closure evaluating the computed fields of `policy`; None when they are all constants."""
    if not isinstance(policy, ir.Policy):
        return None
    computed = [
        (name, compile_expr(value), check)
        for name, value, check in (
            ("attempts", policy.attempts_expr, _attempts),
            ("timeout", policy.timeout_expr, _seconds),
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
    """`waymark.actions.seconds`: None, a `timedelta`, or anything `float()` accepts."""
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)
