"""A model or dataclass under Python's operators and protocols, as Python treats the object.

`a + b`, `-a`, `a < b`, `len(a)`, `bool(a)`, `x in a`, `a[k]`, `iter(a)`, `abs(a)`, `int(a)`,
`round(a)`, `format(a, spec)`: where the user's class defines the method Python would call
(`structural._written`: not pydantic's, not the code `@dataclass` generates, though
`functools.total_ordering`'s is theirs), it runs on a real object rebuilt from the value and
its result comes back as a workflow value; without one, the answer is Python's own (a
pydantic model iterates its fields, `@dataclass(order=True)` compares them, anything else is
Python's `TypeError` with the class's name, not this runtime's value type). The class must be
loaded in this process, as for `__eq__` (`structural._class_of`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.values.decode import as_workflow_value
from waymark_runtime.values.model_values import (
    _ALL,
    ModelValue,
    _class_of,
    _real,
    _reals,
    _rules,
    defines,
)
from waymark_runtime.values.python_errors import BINARY_OPERATIONS, ORDERING, unsupported
from waymark_runtime.values.structural import short_name, type_name


def _own(value: ModelValue, *methods: str) -> bool:
    return defines(value.type, *methods)


def _name(value: ModelValue) -> str:
    return short_name(value.type)


# -- binary operators -------------------------------------------------------------------------


def _forward(name: str, apply: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    method, reflected = f"__{name}__", f"__r{name}__"

    def forward(self: ModelValue, other: Any) -> Any:
        if _own(self, method):
            return as_workflow_value(apply(*_reals(self, other)))
        if isinstance(other, ModelValue) and _own(other, reflected):
            return NotImplemented  # Python asks `other`'s reflected method next
        raise unsupported(method, _name(self), type_name(other))

    forward.__name__ = method
    return forward


def _inplace(name: str) -> Callable[..., Any]:
    """`x += y` with the class's own `__iadd__`: run on the real object; when it changes that
    object and returns it, as in-place methods do, the value itself changes (every name that
    holds it sees the change). Without one, Python goes on to `x = x + y`."""
    method = f"__i{name}__"
    apply = getattr(operator, method)

    def inplace(self: ModelValue, other: Any) -> Any:
        if not _own(self, method):
            return NotImplemented
        real, given = _reals(self, other)
        result = apply(real, given)
        if result is not real:
            return as_workflow_value(result)
        self.fields.update(as_workflow_value(real).fields)
        return self

    inplace.__name__ = method
    return inplace


def _reflected(name: str, apply: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    method = f"__r{name}__"

    def reflected(self: ModelValue, other: Any) -> Any:
        if _own(self, method):
            return as_workflow_value(apply(*_reals(other, self)))
        raise unsupported(method, _name(self), type_name(other), other)

    reflected.__name__ = method
    return reflected


# -- unary operators and conversions ----------------------------------------------------------

_UNARY: dict[str, Callable[[Any], Any]] = {
    "__neg__": operator.neg,
    "__pos__": operator.pos,
    "__invert__": operator.invert,
    "__abs__": abs,
    "__int__": int,
    "__float__": float,
}


def _unary(method: str, apply: Callable[[Any], Any]) -> Callable[..., Any]:
    def unary(self: ModelValue) -> Any:
        if _own(self, method):
            return as_workflow_value(apply(_real(self)))
        raise unsupported(method, _name(self))

    unary.__name__ = method
    return unary


def _round(self: ModelValue, ndigits: int | None = None) -> Any:
    if _own(self, "__round__"):
        real = _real(self)
        return as_workflow_value(round(real) if ndigits is None else round(real, ndigits))
    raise unsupported("__round__", _name(self))


def _format(self: ModelValue, spec: str) -> str:
    if _own(self, "__format__"):
        return format(_real(self), spec)
    if spec:
        raise unsupported("__format__", _name(self))
    return str(self)


# -- containers -------------------------------------------------------------------------------


def _len(self: ModelValue) -> int:
    if _own(self, "__len__"):
        return len(_real(self))
    raise unsupported("__len__", _name(self))


def _bool(self: ModelValue) -> bool:
    if _own(self, "__bool__", "__len__"):
        return bool(_real(self))
    return True


def _iter(self: ModelValue) -> Iterator[Any]:
    if _own(self, "__iter__", "__getitem__"):
        return iter(as_workflow_value(list(_real(self))))
    if self.kind != "model":
        raise unsupported("__iter__", _name(self))
    return iter([(k, v) for k, v in self.fields.items() if not k.startswith("_")])


def _contains(self: ModelValue, item: Any) -> bool:
    if _own(self, "__contains__"):
        return item in _real(self)
    if self.kind != "model" and not _own(self, "__iter__", "__getitem__"):
        raise unsupported("__contains__", _name(self))
    return any(member is item or member == item for member in _iter(self))


def _setitem(self: ModelValue, key: Any, value: Any) -> None:
    _refuse_mutation(self, "__setitem__")


def _delitem(self: ModelValue, key: Any) -> None:
    _refuse_mutation(self, "__delitem__")


def _refuse_mutation(value: ModelValue, method: str) -> None:
    """`x[k] = v`, `del x[k]`: a class's own method would change a copy, not the value."""
    if _own(value, method):
        raise ProgramError(
            f"`{_name(value)}` defines `{method}`, which a workflow does not run (it would "
            "change a copy): assign the field instead"
        )
    raise unsupported(method, _name(value))


def _getitem(self: ModelValue, key: Any) -> Any:
    if _own(self, "__getitem__"):
        return as_workflow_value(_real(self)[_real(key)])
    raise unsupported("__getitem__", _name(self))


# -- ordering ---------------------------------------------------------------------------------

_ORDERING: dict[str, tuple[Callable[[Any, Any], Any], str]] = {
    "__lt__": (operator.lt, "__gt__"),
    "__le__": (operator.le, "__ge__"),
    "__gt__": (operator.gt, "__lt__"),
    "__ge__": (operator.ge, "__le__"),
}
assert _ORDERING.keys() == ORDERING.keys()
_ORDER_METHODS = tuple(_ORDERING)


def _comparison(method: str, compare: Callable[[Any, Any], Any], mirror: str) -> Any:
    def ordered(self: ModelValue, other: Any) -> Any:
        cls = _class_of(self)
        params = getattr(cls, "__dataclass_params__", None)
        if isinstance(other, ModelValue) and other.type == self.type and params and params.order:
            assert cls is not None
            names = _rules(cls).compared
            keys = self.fields if names is _ALL or names is None else names
            ours = tuple(self.fields.get(n) for n in keys)
            return compare(ours, tuple(other.fields.get(n) for n in keys))
        if _own(self, *_ORDER_METHODS):
            return compare(*_reals(self, other))
        if isinstance(other, ModelValue) and _own(other, mirror):
            return NotImplemented  # Python asks `other`'s mirrored method next
        raise unsupported(method, _name(self), type_name(other))

    ordered.__name__ = method
    return ordered


def install() -> None:
    """Give `ModelValue` its operators and protocols."""
    methods: dict[str, Callable[..., Any]] = {
        "__len__": _len,
        "__bool__": _bool,
        "__iter__": _iter,
        "__contains__": _contains,
        "__getitem__": _getitem,
        "__setitem__": _setitem,
        "__delitem__": _delitem,
        "__round__": _round,
        "__format__": _format,
    }
    for name, apply in BINARY_OPERATIONS.items():
        methods[f"__{name}__"] = _forward(name, apply)
        methods[f"__r{name}__"] = _reflected(name, apply)
        if name != "divmod":
            methods[f"__i{name}__"] = _inplace(name)
    for method, apply_one in _UNARY.items():
        methods[method] = _unary(method, apply_one)
    for method, (compare, mirror) in _ORDERING.items():
        methods[method] = _comparison(method, compare, mirror)
    for method, function in methods.items():
        setattr(ModelValue, method, function)


install()
