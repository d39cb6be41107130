"""The text shown on the DAG: node labels, edge labels and policy badges.

Labels are rendered from the IR as Python source (through `dag.python`) and clipped per line so
a node stays readable; nothing here decides the graph's shape, only how its parts are named.
"""

from __future__ import annotations

from waymark_runtime import ir
from waymark_runtime.dag import python as py
from waymark_runtime.dag.model import NodeKind
from waymark_runtime.wrl.precedence import Prec

_TIMES = "\u00d7"  # the multiplication sign, as in "retry \u00d73"


_LABEL_WIDTH = 48


def _jump(label: str, statement: str) -> str:
    """The label of an edge leaving by `break`/`continue`: `true: break`, or just `break`."""
    return _clip(f"{label}: {statement}" if label else statement)


def _case_label(case: ir.MatchCase) -> str:
    guard = f" if {py.expr(case.guard)}" if case.guard is not None else ""
    return f"case {py.pattern(case.pattern)}{guard}"


def _handler_label(handler: ir.Handler) -> str:
    parts = ["except"]
    if handler.types:
        types = ", ".join(py.short(name) for name in handler.types)
        parts.append(f"({types})" if len(handler.types) > 1 else types)
    if handler.name:
        parts.append(f"as {handler.name}")
    return " ".join(parts)


def _action_label(call: ir.ActionCall) -> str:
    if call.child:
        return f"{call.action}().run({py.arguments(call.args, call.kwargs)})"
    if call.callee is not None:  # `TOOLS[name](query)`: the expression that picks the action
        name = py.expr(call.callee, Prec.ATOM)
    else:
        name = py.short(call.action).rpartition(".")[2]
    return f"{name}({py.arguments(call.args, call.kwargs)})"


def _kind(call: ir.ActionCall) -> NodeKind:
    """A child workflow call is a node kind of its own (drawn as a 3-D box)."""
    return "child" if call.child else "action"


def _detail(call: ir.ActionCall) -> str:
    if call.callee is not None:
        return "computed action"
    if not call.child:
        return call.action
    return "child workflow" + ("" if call.blocking else ", detached")


def _flag_text(flag: bool | ir.Expr) -> str:
    """How a gather's `return_exceptions` shows on its badge: nothing when True, `=(flag)` for
    one its instance decides."""
    return "" if isinstance(flag, bool) else f"=({py.expr(flag)})"


def _badges(policy: ir.Policy | None) -> tuple[str, ...]:
    if policy is None:
        return ()
    badges = []
    attempts = policy.attempts if policy.attempts_expr is None else policy.attempts_expr
    if attempts is not None:
        on = f" on {', '.join(policy.exception_types)}" if policy.exception_types else ""
        badges.append(f"retry {_TIMES}{_number(attempts)}{on}")
    if policy.backoff is not None:
        base, factor = _number(policy.backoff.base_delay), _number(policy.backoff.multiplier)
        badges.append(f"backoff {base}s {_TIMES}{factor}")
    elif policy.backoff_seconds is not None:
        badges.append(f"backoff {_number(policy.backoff_seconds)}s")
    if policy.timeout is not None:
        badges.append(f"timeout {_number(policy.timeout)}s")
    elif policy.timeout_expr is not None:
        badges.append(f"timeout {_number(policy.timeout_expr)}")
    return tuple(badges)


def _number(value: float | ir.Expr) -> str:
    """A constant as a short number; a value computed at dispatch as its Python source."""
    if not isinstance(value, int | float):
        return py.expr(value)
    return str(int(value)) if float(value).is_integer() else str(value)


def _clip(text: str) -> str:
    """Long labels are cut per line so a node stays readable; the full text is in the source."""
    lines = text.split("\n")
    cut = [line if len(line) <= _LABEL_WIDTH else line[: _LABEL_WIDTH - 1] + "…" for line in lines]
    return "\n".join(cut)
