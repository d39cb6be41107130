"""Python's `TypeError` for an operator or protocol an object does not support, worded as
CPython words it, with the names a workflow knows its classes by (a model's, an enum's; never
this runtime's value types)."""

from __future__ import annotations

import builtins
import operator
import re
from collections.abc import Callable, Iterable
from typing import Any

BINARY: dict[str, str] = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "truediv": "/",
    "floordiv": "//",
    "mod": "%",
    "pow": "** or pow()",
    "matmul": "@",
    "and": "&",
    "or": "|",
    "xor": "^",
    "lshift": "<<",
    "rshift": ">>",
    "divmod": "divmod()",
}
"""Binary operators by dunder stem (`__add__`, `__radd__`), as their errors show them."""

BINARY_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "matmul": operator.matmul,
    "and": operator.and_,
    "or": operator.or_,
    "xor": operator.xor,
    "lshift": operator.lshift,
    "rshift": operator.rshift,
    "divmod": divmod,
}
"""The same operators as Python applies them (reflection included)."""

ORDERING: dict[str, str] = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}

_ONE: dict[str, str] = {
    "__neg__": "bad operand type for unary -: '{}'",
    "__pos__": "bad operand type for unary +: '{}'",
    "__invert__": "bad operand type for unary ~: '{}'",
    "__abs__": "bad operand type for abs(): '{}'",
    "__int__": "int() argument must be a string, a bytes-like object or a real number, not '{}'",
    "__float__": "float() argument must be a string or a real number, not '{}'",
    "__index__": "'{}' object cannot be interpreted as an integer",
    "__round__": "type {} doesn't define __round__ method",
    "__trunc__": "type {} doesn't define __trunc__ method",
    "__floor__": "must be real number, not {}",
    "__ceil__": "must be real number, not {}",
    "__len__": "object of type '{}' has no len()",
    "__iter__": "'{}' object is not iterable",
    "__contains__": "argument of type '{}' is not iterable",
    "__getitem__": "'{}' object is not subscriptable",
    "__format__": "unsupported format string passed to {}.__format__",
    "__setitem__": "'{}' object does not support item assignment",
    "__delitem__": "'{}' object doesn't support item deletion",
}
_SEQUENCES = (str, list, tuple, bytes, bytearray)


def unsupported(method: str, mine: str, other: str = "", operand: Any = None) -> TypeError:
    """The error of `method` on an object of class `mine` (and an `operand` of class `other`:
    a sequence before `+` or `*` has its own words)."""
    if operand.__class__ in _SEQUENCES and method in ("__radd__", "__rmul__"):
        kind = type(operand).__name__
        if method == "__radd__":
            return TypeError(f'can only concatenate {kind} (not "{mine}") to {kind}')
        return TypeError(f"can't multiply sequence by non-int of type '{mine}'")
    if method in ORDERING:
        return TypeError(
            f"'{ORDERING[method]}' not supported between instances of '{mine}' and '{other}'"
        )
    stem = method.strip("_")
    if stem in BINARY:
        return TypeError(f"unsupported operand type(s) for {BINARY[stem]}: '{mine}' and '{other}'")
    if stem.startswith("r") and stem[1:] in BINARY:  # reflected: the other operand came first
        return TypeError(
            f"unsupported operand type(s) for {BINARY[stem[1:]]}: '{other}' and '{mine}'"
        )
    return TypeError(_ONE[method].format(mine))


def refuse_operators(cls: type, name_of: Callable[[Any], str]) -> None:
    """Give `cls` (a value type standing for a user's class, such as an exception) Python's
    errors for the operators, conversions and `len` an object without them refuses (not the
    iteration and item protocols, which other code tests for); it stays true."""

    def refusal(method: str) -> Callable[..., Any]:
        def refuse(self: Any, *args: Any) -> Any:
            other = args[0] if args else None
            raise unsupported(method, name_of(self), _name(other) if args else "", other)

        refuse.__name__ = method
        return refuse

    methods = [*ORDERING, *(f"__{stem}__" for stem in BINARY), *(f"__r{stem}__" for stem in BINARY)]
    methods += [m for m in _ONE if m not in _PROTOCOLS]
    for method in methods:
        setattr(cls, method, refusal(method))
    cls.__bool__ = lambda self: True  # type: ignore[attr-defined]  # (not `len`: it refuses)

    def format_plainly(self: Any, spec: str) -> str:
        if spec:
            raise unsupported("__format__", name_of(self))
        return str(self)

    setattr(cls, "__format__", format_plainly)  # noqa: B010 (a dunder set on the class)


_PROTOCOLS = frozenset(
    {"__format__", "__index__", "__iter__", "__contains__", "__getitem__", "__setitem__",
     "__delitem__"}
)  # fmt: skip


def _name(value: Any) -> str:
    from waymark_runtime.values.structural import type_name

    return type_name(value)


_STAND_INS = re.compile(
    r"\b(?:Indexed)?ModelValue\b|\bExceptionValue\b|\bEnumValue\b|\bTypeValue\b"
)
"""The runtime's value types, as Python's own messages name them (`type(x).__name__`)."""


def named_as_python(error: TypeError, values: Iterable[Any]) -> TypeError:
    """`error` (Python's own, raised by a builtin or method given `values`) with each of this
    runtime's value types it names replaced by the class the workflow knows the value by,
    in order: `'ModelValue' object cannot be interpreted as an integer` of `range(Plain(1))`
    becomes `'Plain' object ...`, as CPython says it. Any other error is returned as it is."""
    text = str(error)
    if type(error) is not TypeError or _STAND_INS.search(text) is None:
        return error
    for value in values:
        internal = type(value).__name__
        if _STAND_INS.fullmatch(internal):
            text = re.sub(
                rf"\b{internal}\b", _python_name(value).replace("\\", r"\\"), text, count=1
            )
    return TypeError(text)


def _python_name(value: Any) -> str:
    """`type(value).__name__` as Python gives it for the object `value` stands for: a class's
    is its metaclass's (`type`, `EnumType`, `ModelMetaclass`)."""
    from waymark_runtime.values.registry import find_class
    from waymark_runtime.values.structural import TypeValue

    if isinstance(value, TypeValue):
        module, _, name = value.path.partition(":")
        found = getattr(builtins, name, None) if module == "builtins" else find_class(value.path)
        return type(found).__name__ if isinstance(found, type) else "type"
    return _name(value)


def stand_in(value: Any) -> object:
    """An object of an empty class named as Python names `value`'s class: what a sequence is
    indexed with to get Python's own refusal of a non-index in Python's words and with the
    user's class name (`list indices must be integers or slices, not Plain`)."""
    name = _python_name(value)
    if name not in _STAND_IN_CLASSES:
        _STAND_IN_CLASSES[name] = type(name, (), {"__slots__": ()})
    return _STAND_IN_CLASSES[name]()


_STAND_IN_CLASSES: dict[str, type] = {}
