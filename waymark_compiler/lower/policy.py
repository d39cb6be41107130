"""Lowering the options of `self.run_action`: `RetryPolicy`, `BackoffPolicy` and `timeout`.

Fields are compile-time constants (a literal or a module-level constant), visible syntax in the
`.wrl` text, except `attempts` and `timeout`, which may be any pure expression: evaluated when
the action is dispatched, as CPython evaluates them when the call is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.literals import evaluate
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.operations import NON_CONSTANT_POLICY, RUN_ACTION_FORM
from waymark_compiler.symbols import ClassSym, ConstSym, KnownSym, VariableSym
from waymark_compiler.tables import Known
from waymark_runtime import ir

RETRY_FIELDS = ("attempts", "exception_types", "backoff_seconds")
BACKOFF_FIELDS = ("base_delay", "multiplier", "max_delay", "jitter")
TIMEDELTA_FIELDS = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")


class _Refused(Exception):
    """A field was refused (already reported); the policy is dropped."""


def _non_constant(node: cst.CSTNode, ctx: Ctx, what: str) -> _Refused:
    help = "use a literal or a module-level constant"
    ctx.error(NON_CONSTANT_POLICY, node, f"{what} is not a constant", "not a constant", help)
    return _Refused()


def constant(node: cst.BaseExpression, ctx: Ctx, what: str) -> Any:
    """The compile-time value of `node`, or `_Refused` after reporting why it is not one."""
    value = _value_or_expr(node, ctx)
    if _is_expr(value):
        raise _non_constant(node, ctx, what)
    return value


def _value_or_expr(node: cst.BaseExpression, ctx: Ctx) -> Any:
    """The compile-time value of `node`, or its IR when it is only known at run time."""
    before = len(ctx.sink.items)
    lowered = lower_expr(node, ctx)
    if len(ctx.sink.items) != before:
        raise _Refused()
    try:
        return evaluate(lowered)
    except (ValueError, TypeError, ArithmeticError):
        return lowered


def _is_expr(value: Any) -> bool:
    return type(value).__module__.startswith(f"{ir.__name__}.")  # a node of any IR section


def _number(node: cst.BaseExpression, ctx: Ctx, what: str, allow_none: bool = False) -> Any:
    value = constant(node, ctx, what)
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        help = "use a number of seconds (int or float)"
        ctx.error(NON_CONSTANT_POLICY, node, f"{what} must be a number", "not a number", help)
        raise _Refused()
    return value


def _fields(
    call: cst.Call, names: Sequence[str], ctx: Ctx, what: str
) -> dict[str, cst.BaseExpression]:
    """The arguments of a policy constructor by field name (positional in field order)."""
    fields: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword is not None else None
        if name is None and not arg.star and index < len(names):
            name = names[index]
        if name is None or name not in names or arg.star or name in fields:
            help = f"`{what}` takes: {', '.join(names)}"
            ctx.error(RUN_ACTION_FORM, arg, f"unexpected argument to `{what}`", "unexpected", help)
            raise _Refused()
        fields[name] = arg.value
    return fields


def _constructor(node: cst.BaseExpression, ctx: Ctx, what: Known) -> cst.Call:
    if isinstance(node, cst.Call) and ctx.symbol(node.func) == KnownSym(what):
        return node
    help = f"write the policy inline: `{what}(...)` with constant fields"
    ctx.error(NON_CONSTANT_POLICY, node, f"expected `{what}(...)`", "not a policy", help)
    raise _Refused()


def _exception_types(node: cst.BaseExpression, ctx: Ctx) -> tuple[str, ...]:
    symbol = ctx.symbol(node)
    home = None
    if isinstance(symbol, VariableSym) and symbol.classes:  # `RETRYABLE = (TimeoutError, ...)`
        held = symbol.classes
        if all(isinstance(c, ClassSym) and c.kind == "exception" for c in held):
            return tuple(c.name for c in held if isinstance(c, ClassSym))
    if isinstance(symbol, ConstSym):  # `RETRYABLE = ("RateLimited", ConnectionError)`
        node, home = symbol.value, ctx.resolver.at(symbol.namespace)
    if not isinstance(node, cst.List | cst.Tuple):
        help = ("list the classes or their names where the policy is written, or name a "
                "module-level tuple of names (`RETRYABLE = (\"RateLimited\", \"TimeoutError\")`)")  # fmt: skip
        message = "`exception_types` is not a list or tuple the compiler can read"
        ctx.error(NON_CONSTANT_POLICY, node, message, "not a constant", help)
        raise _Refused()
    return tuple(_exception_name(e.value, ctx, home) for e in node.elements)


def _exception_name(node: cst.BaseExpression, ctx: Ctx, home: Resolver | None = None) -> str:
    """The name of an exception class or a string naming one; `home` resolves the names of a
    module constant's items, in its own module."""
    symbol = ctx.symbol(node) if home is None else home.expression(node)
    if isinstance(symbol, ConstSym):  # `TRANSIENT = "RateLimited"`
        node = symbol.value
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = constant(node, ctx, "an exception name")
        if isinstance(value, str):
            return value
    if isinstance(symbol, ClassSym) and symbol.kind == "exception":
        return symbol.name
    help = "list exception classes, or their names as strings"
    ctx.error(NON_CONSTANT_POLICY, node, "not an exception class", "not an exception", help)
    raise _Refused()


def retry(node: cst.BaseExpression, ctx: Ctx) -> dict[str, Any]:
    fields = _fields(_constructor(node, ctx, "RetryPolicy"), RETRY_FIELDS, ctx, "RetryPolicy")
    out: dict[str, Any] = {}
    if "attempts" in fields:
        attempts = _value_or_expr(fields["attempts"], ctx)
        if not _is_expr(attempts) and (isinstance(attempts, bool) or not isinstance(attempts, int)):
            help = "use an integer: the total number of executions"
            message = "`attempts` must be an integer"
            ctx.error(NON_CONSTANT_POLICY, fields["attempts"], message, "not an int", help)
            raise _Refused()
        out["attempts_expr" if _is_expr(attempts) else "attempts"] = attempts
    if "exception_types" in fields:
        out["exception_types"] = _exception_types(fields["exception_types"], ctx)
    if "backoff_seconds" in fields:
        out["backoff_seconds"] = float(_number(fields["backoff_seconds"], ctx, "`backoff_seconds`"))
    return out


def backoff(node: cst.BaseExpression, ctx: Ctx) -> ir.Backoff:
    call = _constructor(node, ctx, "BackoffPolicy")
    fields = _fields(call, BACKOFF_FIELDS, ctx, "BackoffPolicy")
    values: dict[str, Any] = {
        "base_delay": 1.0,
        "multiplier": 2.0,
        "max_delay": None,
        "jitter": 0.0,
    }
    for name, value in fields.items():
        number = _number(value, ctx, f"`{name}`", allow_none=name == "max_delay")
        values[name] = None if number is None else float(number)
    return ir.Backoff(**values, span=ctx.span(call))


def timeout(node: cst.BaseExpression, ctx: Ctx) -> float | ir.Expr | None:
    """Seconds, from a number or a `timedelta`; an expression when only known at run time."""
    if isinstance(node, cst.Call) and ctx.symbol(node.func) == KnownSym("timedelta"):
        try:
            return _timedelta(node, ctx)
        except _Dynamic:
            return lower_expr(node, ctx)
    value = _value_or_expr(node, ctx)
    if _is_expr(value):
        return value  # type: ignore[no-any-return]
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        help = "use a number of seconds (int or float) or a `timedelta`"
        ctx.error(NON_CONSTANT_POLICY, node, "`timeout` must be a number", "not a number", help)
        raise _Refused()
    return None if value is None else float(value)


class _Dynamic(Exception):
    """A `timedelta(...)` argument is only known at run time."""


def _timedelta(call: cst.Call, ctx: Ctx) -> float:
    """`timedelta(1, 30)` or `timedelta(minutes=10)`: positional arguments in CPython's order."""
    parts: dict[str, Any] = {}
    for index, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword is not None else None
        if name is None and not arg.star and index < len(TIMEDELTA_FIELDS):
            name = TIMEDELTA_FIELDS[index]
        if name not in TIMEDELTA_FIELDS or name in parts:
            raise _non_constant(arg, ctx, "`timedelta` argument")
        value = _value_or_expr(arg.value, ctx)
        if _is_expr(value):
            raise _Dynamic()
        parts[name] = _number(arg.value, ctx, f"`{name}`")
    try:
        return timedelta(**parts).total_seconds()
    except OverflowError:
        raise _non_constant(call, ctx, "`timeout`") from None


def policy(keywords: Sequence[cst.Arg], ctx: Ctx, span: ir.Span) -> ir.Policy | None:
    """The `retry=`, `backoff=` and `timeout=` of a `run_action` call (None when absent)."""
    fields: dict[str, Any] = {}
    try:
        for arg in keywords:
            assert arg.keyword is not None
            name = arg.keyword.value
            if _is_none(arg.value):
                continue
            if name == "retry":
                fields.update(retry(arg.value, ctx))
            elif name == "backoff":
                fields["backoff"] = backoff(arg.value, ctx)
            else:
                seconds = timeout(arg.value, ctx)
                fields["timeout_expr" if _is_expr(seconds) else "timeout"] = seconds
    except _Refused:
        return None
    return ir.Policy(**fields, span=span) if fields else None


def wait_for_policy(
    node: cst.BaseExpression, name: str, ctx: Ctx, span: ir.Span
) -> ir.Policy | None:
    """The timeout of `asyncio.wait_for` (spelled `name`), which raises a plain `TimeoutError`:
    seconds, constant or computed. None for `None` (no timeout of its own) and for what is
    refused (reported): a `timedelta`, which Python's `wait_for` cannot compare with 0, and a
    constant of 0 or less, which times out before the action runs."""
    if _is_none(node):
        return None
    if isinstance(node, cst.Call) and ctx.symbol(node.func) == KnownSym("timedelta"):
        help = ("pass seconds (`delay.total_seconds()`), or write "
                "`self.run_action(call, timeout=timedelta(...))`")  # fmt: skip
        message = f"`{name}` takes seconds: Python raises `TypeError` for a `timedelta`"
        ctx.error(NON_CONSTANT_POLICY, node, message, "a timedelta", help)
        return None
    try:
        seconds = timeout(node, ctx)
    except _Refused:
        return None
    if seconds is None:
        return None
    if not isinstance(seconds, float):  # computed: checked where the call is made
        return ir.Policy(timeout_expr=seconds, plain_timeout=True, span=span)
    if seconds <= 0:
        help = "give the action time to run: a positive number of seconds"
        message = f"`{name}` with a timeout of {seconds:g} times out without running"
        ctx.error(NON_CONSTANT_POLICY, node, message, "not positive", help)
        return None
    return ir.Policy(timeout=seconds, plain_timeout=True, span=span)


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
