"""Python's `TypeError` for an operator or protocol an object does not support, worded as
CPython words it, with the names a workflow knows its classes by (a model's, an enum's; never
this runtime's value types)."""

from __future__ import annotations

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
}


def unsupported(method: str, mine: str, other: str = "") -> TypeError:
    """The error of `method` on an object of class `mine` (and an operand of class `other`)."""
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
