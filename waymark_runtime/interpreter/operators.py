"""Operator closures: Python's own operators, specialised for the common operand shapes.

The factories are generated once at import from the fixed templates below (as `dataclasses`
generates methods): only operator symbols from this module's own whitelist are substituted, so
no program text ever reaches `exec`. Specialising `x < n` or `i += 1` to one closure call keeps
the interpreter's per-statement overhead small. A closure holds the `Guards` (and so the meter)
of the step context its program is compiled for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from waymark_runtime.errors import InternalError, ProgramError
from waymark_runtime.interpreter.classes import EnumMembers
from waymark_runtime.interpreter.guards import GUARDED, Guards
from waymark_runtime.interpreter.state import IDENTITY_KEPT
from waymark_runtime.values import EnumValue, TypeValue, type_name
from waymark_runtime.values.callables import ActionValue, HelperValue, TaskValue

Eval = Callable[[dict[str, Any]], Any]

BINARY = ("+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "@")
COMPARE = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not")
UNARY = {"-": "-", "+": "+", "not": "not ", "~": "~"}


def unbound(name: str) -> UnboundLocalError:
    error = UnboundLocalError(
        f"cannot access local variable '{name}' where it is not associated with a value"
    )
    error.name = name
    return error


def _check_bound(env: dict[str, Any], *names: str) -> None:
    """Called after a KeyError: raise Python's error for an unbound local, if that was it."""
    for name in names:
        if name not in env:
            raise unbound(name) from None


# `E`: any expression closure, `N`: a local name, `C`: a constant. `{apply}` is the operation
# on `x` and `y`: Python's operator inline, or a call of its guard `g` (see `_APPLY`).
_SHAPES = {
    "EE": """
def make(a, b, g, M, settle):
    def f(env):
        x = a(env)
        y = b(env)
        return {apply}
    return f
""",
    "EC": """
def make(a, y, g, M, settle):
    def f(env):
        x = a(env)
        return {apply}
    return f
""",
    "NC": """
def make(a, y, g, M, settle):
    def f(env):
        try:
            x = env[a]
        except KeyError:
            _check_bound(env, a)
            raise
        return {apply}
    return f
""",
    "NN": """
def make(a, b, g, M, settle):
    def f(env):
        try:
            x = env[a]
            y = env[b]
        except KeyError:
            _check_bound(env, a, b)
            raise
        return {apply}
    return f
""",
}
_AUG = {
    "NE": """
def make(a, b, nxt, g, M, settle):
    def f(frame):
        env = frame.env
        try:
            x = env[a]
        except KeyError:
            _check_bound(env, a)
            raise
        y = b(env)
        try:
            {apply}
        except TypeError as error:
            raise augmented_error(error, "{op}") from None
        return nxt
    return f
""",
    "NC": """
def make(a, y, nxt, g, M, settle):
    def f(frame):
        env = frame.env
        try:
            x = env[a]
        except KeyError:
            _check_bound(env, a)
            raise
        try:
            {apply}
        except TypeError as error:
            raise augmented_error(error, "{op}") from None
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
# How an operation is applied: inline ("plain"), inline for an int `x` and through the guard
# otherwise ("fast"), or always through the guard (`guards`: sizes and the operation budget).
_APPLY = {
    "plain": "x {op} y",
    "fast": "x {op} y if x.__class__ is int else g(x, y)",
    "checked": "r if (r := x {op} y).__class__ is int and r.bit_length() <= M.int_bits"
    " else settle(x, r)",
    "guard": "g(x, y)",
}
_INPLACE_APPLY = {
    "plain": "x {op}= y; env[a] = x",
    "fast": "env[a] = x {op} y if x.__class__ is int else g(x, y)",
    "checked": "env[a] = (r if (r := x {op} y).bit_length() <= M.int_bits else M.settle(r))"
    " if x.__class__ is int and y.__class__ is int else g(x, y)",
    "guard": "env[a] = g(x, y)",
}
_ORDER = ("==", "!=", "<", "<=", ">", ">=")
_NUMBERS = (int, float, bool)


def _mode(op: str, shape: str, constant: Any) -> str:
    """Which operand shapes need the guard: a constant right operand bounds a comparison's
    work, and a number added to anything grows it by at most one bit."""
    if op not in GUARDED:
        return "plain"
    numeric = shape.endswith("C") and type(constant) in _NUMBERS
    if (
        shape.endswith("C")
        and op in COMPARE
        and not (op in ("in", "not in") and type(constant) is str)
    ):
        return "plain"  # (a member may be looked for in a string: `guards.contains`)
    if op in _ORDER:
        return "fast"
    if numeric and (op in ("+", "-") or (op == "*" and type(constant) is float)):
        return "plain"
    if numeric and op in ("&", "|", "^", "%", "//"):
        return "fast"
    return "checked" if op in ("+", "-") else "guard"


def augmented_error(error: TypeError, op: str) -> TypeError:
    """The error of a failed `x op= y` as CPython words it: `for op=:` where the operation
    it falls back to (`x op y`: a guard, a model's refusal, `int.__floordiv__`) says `for op:`
    (`for ** or pow():`); any other error as it is."""
    binary = "** or pow()" if op == "**" else op
    head = f"unsupported operand type(s) for {binary}: "
    text = str(error)
    if type(error) is not TypeError or error.args != (text,) or not text.startswith(head):
        return error
    return TypeError(f"unsupported operand type(s) for {op}=: {text[len(head) :]}")


def _generate(template: str, op: str, apply: str = "") -> Callable[..., Eval]:
    scope: dict[str, Any] = {"_check_bound": _check_bound, "augmented_error": augmented_error}
    code = template.replace("{apply}", apply).format(op=op)
    exec(code, scope)  # fixed templates, whitelisted symbols
    return scope["make"]  # type: ignore[no-any-return]


def _makers(templates: dict[str, str], ops: tuple[str, ...], applies: dict[str, str]) -> Any:
    return {
        (op, shape, mode): _generate(t, op, applies[mode].format(op=op))
        for op in ops
        for shape, t in templates.items()
        for mode in applies
    }


_BINARY_MAKERS = _makers(_SHAPES, BINARY + COMPARE, _APPLY)
_AUG_MAKERS = _makers(_AUG, BINARY, _INPLACE_APPLY)
_UNARY_MAKERS = {op: _generate(_UNARY, text) for op, text in UNARY.items()}


def binary(op: str, shape: str, a: Any, b: Any, guards: Guards) -> Eval:
    """A closure computing `a op b`; `shape` says what `a` and `b` are (see `_SHAPES`)."""
    try:
        make = _BINARY_MAKERS[op, shape, _mode(op, shape, b)]
    except KeyError:
        raise InternalError(f"unknown operator {op!r}") from None
    guard = guards.binary.get(op)
    return make(a, b, guard, guards.meter, guards.settled)  # type: ignore[no-any-return]


def augmented(
    op: str, shape: str, name: str, value: Any, nxt: int, guards: Guards
) -> Callable[[Any], int]:
    """The instruction `name op= value` (in place, as Python does), continuing at `nxt`."""
    try:
        make = _AUG_MAKERS[op, shape, _mode(op, shape, value)]
    except KeyError:
        raise InternalError(f"unknown operator {op!r}=") from None
    guard = guards.inplace.get(op)
    return make(name, value, nxt, guard, guards.meter, guards.settled)  # type: ignore[no-any-return]


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


def _operation(template: str, op: str) -> Operation:
    return _generate(template, op)()  # type: ignore[return-value]


_INPLACE: dict[str, Operation] = {op: _operation(_INPLACE_TEMPLATE, op) for op in BINARY}
_PLAIN: dict[str, Operation] = {op: _operation(_PLAIN_TEMPLATE, op) for op in BINARY + COMPARE}


def inplace(op: str, guards: Guards) -> Operation:
    """`c[i] op= v`: the guarded operation where there is one."""
    return guards.inplace.get(op) or _INPLACE[op]


def plain(op: str, guards: Guards) -> Operation:
    """A link of a chained comparison: the guarded operation where there is one."""
    return _IDENTITY.get(op) or guards.binary.get(op) or _PLAIN[op]


def _same(a: Any, b: Any) -> bool:
    """`a is b`, as CPython answers it where its answer does not depend on how it caches
    immutable values: `None`, `True` and `False` are themselves; an enum member (its class and
    name), a class or a function (an action or helper value) is one object however many times it
    was decoded, as CPython's are; a list, dict, set, model, dataclass or plain instance is one
    object as long as the workflow holds it, across awaits too (`state.IDENTITY_KEPT`), and
    never the same object as a value of another class. Two other values (numbers, strings,
    tuples, ...) are refused: CPython may or may not share equal ones."""
    if a is None or b is None or a.__class__ is bool or b.__class__ is bool:
        return a is b
    if isinstance(a, _CLASSES) or isinstance(b, _CLASSES):  # `type(member) is Color`
        return isinstance(a, _CLASSES) and isinstance(b, _CLASSES) and bool(a == b)
    kind = a.__class__
    if kind is EnumValue or b.__class__ is EnumValue:
        return kind is b.__class__ and (a.type, a.name) == (b.type, b.name)
    if kind in _ONE_OBJECT or b.__class__ in _ONE_OBJECT:
        return kind is b.__class__ and a == b
    if kind in IDENTITY_KEPT or b.__class__ in IDENTITY_KEPT:
        return a is b
    raise ProgramError(
        f"`is` between values of types {type_name(a)} and {type_name(b)}: CPython may or may not "
        "keep equal values of these types as one object, so the answer is not defined; compare "
        "with `==`"
    )


_ONE_OBJECT = frozenset({TypeValue, ActionValue, HelperValue, TaskValue})
_CLASSES = (TypeValue, EnumMembers)


IDENTITY = ("is", "is not")
_IDENTITY: dict[str, Operation] = {"is": _same, "is not": lambda a, b: not _same(a, b)}
