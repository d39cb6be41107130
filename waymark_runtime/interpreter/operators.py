"""Operator closures: Python's own operators, specialised for the common operand shapes.

The factories are generated once at import from the fixed templates below (as `dataclasses`
generates methods): only operator symbols from this module's own whitelist are substituted, so
no program text ever reaches `exec`. Specialising `x < n` or `i += 1` to one closure call keeps
the interpreter's per-statement overhead small.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from waymark_runtime.errors import InternalError

Eval = Callable[[dict[str, Any]], Any]

BINARY = ("+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "@")
COMPARE = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not")
UNARY = {"-": "-", "+": "+", "not": "not ", "~": "~"}


def unbound(name: str) -> UnboundLocalError:
    return UnboundLocalError(
        f"cannot access local variable '{name}' where it is not associated with a value"
    )


def _check_bound(env: dict[str, Any], *names: str) -> None:
    """Called after a KeyError: raise Python's error for an unbound local, if that was it."""
    for name in names:
        if name not in env:
            raise unbound(name) from None


# `E`: any expression closure, `N`: a local name, `C`: a constant. A KeyError raised by the
# operator itself (not by a missing local) is re-raised unchanged.
_SHAPES = {
    "EE": """
def make(a, b):
    def f(env):
        return a(env) {op} b(env)
    return f
""",
    "EC": """
def make(a, b):
    def f(env):
        return a(env) {op} b
    return f
""",
    "NC": """
def make(a, b):
    def f(env):
        try:
            return env[a] {op} b
        except KeyError:
            _check_bound(env, a)
            raise
    return f
""",
    "NN": """
def make(a, b):
    def f(env):
        try:
            return env[a] {op} env[b]
        except KeyError:
            _check_bound(env, a, b)
            raise
    return f
""",
}
_AUG = {
    "NE": """
def make(a, b, nxt):
    def f(frame):
        env = frame.env
        try:
            env[a] {op}= b(env)
        except KeyError:
            _check_bound(env, a)
            raise
        return nxt
    return f
""",
    "NC": """
def make(a, b, nxt):
    def f(frame):
        env = frame.env
        try:
            env[a] {op}= b
        except KeyError:
            _check_bound(env, a)
            raise
        return nxt
    return f
""",
}
_UNARY = """
def make(a):
    def f(env):
        return {op}a(env)
    return f
"""


def _generate(template: str, op: str) -> Callable[..., Eval]:
    scope: dict[str, Any] = {"_check_bound": _check_bound}
    exec(template.format(op=op), scope)  # fixed templates, whitelisted symbols
    return scope["make"]  # type: ignore[no-any-return]


_BINARY_MAKERS = {
    (op, shape): _generate(t, op) for op in BINARY + COMPARE for shape, t in _SHAPES.items()
}
_AUG_MAKERS = {(op, shape): _generate(t, op) for op in BINARY for shape, t in _AUG.items()}
_UNARY_MAKERS = {op: _generate(_UNARY, text) for op, text in UNARY.items()}


def binary(op: str, shape: str, a: Any, b: Any) -> Eval:
    """A closure computing `a op b`; `shape` says what `a` and `b` are (see `_SHAPES`)."""
    try:
        return _BINARY_MAKERS[op, shape](a, b)
    except KeyError:
        raise InternalError(f"unknown operator {op!r}") from None


def augmented(op: str, shape: str, name: str, value: Any, nxt: int) -> Callable[[Any], int]:
    """The instruction `name op= value` (in place, as Python does), continuing at `nxt`."""
    try:
        return _AUG_MAKERS[op, shape](name, value, nxt)
    except KeyError:
        raise InternalError(f"unknown operator {op!r}=") from None


def unary(op: str, operand: Eval) -> Eval:
    try:
        return _UNARY_MAKERS[op](operand)
    except KeyError:
        raise InternalError(f"unknown unary operator {op!r}") from None


_INPLACE_TEMPLATE = """
def make():
    def f(x, y):
        x {op}= y
        return x
    return f
"""
_PLAIN_TEMPLATE = """
def make():
    def f(x, y):
        return x {op} y
    return f
"""

Operation = Callable[[Any, Any], Any]
INPLACE: dict[str, Operation] = {op: _generate(_INPLACE_TEMPLATE, op)() for op in BINARY}  # type: ignore[misc]
PLAIN: dict[str, Operation] = {op: _generate(_PLAIN_TEMPLATE, op)() for op in BINARY + COMPARE}  # type: ignore[misc]
