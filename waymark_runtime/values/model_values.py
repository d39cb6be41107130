"""Models and dataclass instances as workflow values: a type path and field values.

Equality, hashing, ordering, `repr` and `__index__` follow the class when it is loaded here (a
dataclass's `eq=False`, fields with `compare=False`, the user's own methods, run on a real
object rebuilt from the value); operators and protocols are `model_operators`.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from waymark_runtime.values.object_text import shown
from waymark_runtime.values.structural import short_name

if TYPE_CHECKING:
    from waymark_runtime.values.exception_values import ExceptionValue

MODEL_KINDS = ("model", "dataclass", "object")
"""The kinds of `ModelValue` (a pydantic model, a dataclass instance, a plain class's instance,
`objects`), which are also their JSON tags."""


class ModelValue:
    """A pydantic model (`kind="model"`) or dataclass instance by type path and field values."""

    __slots__ = ("fields", "kind", "lineage", "type")

    def __new__(cls, type: str = "", *more: Any) -> ModelValue:
        """An `IndexedModelValue` for a class (loaded here) with its own `__index__`."""
        if cls is ModelValue and type and _indexes(type):
            cls = IndexedModelValue
        return object.__new__(cls)

    def __init__(
        self, type: str, kind: str, fields: dict[str, Any], lineage: tuple[str, ...] = ()
    ) -> None:
        self.type = type
        self.kind = kind
        self.fields = fields
        self.lineage = lineage or (type,)

    def __copy__(self) -> ModelValue:
        """`copy.copy`: a new instance whose fields are the same objects (its own field dict,
        as a copied model's or dataclass's `__dict__` is)."""
        return ModelValue(self.type, self.kind, dict(self.fields), self.lineage)

    # Equality, hashing and ordering follow the class when it is loaded here: a dataclass's
    # `eq=False` (identity) and fields with `compare=False` or `hash=False`, and a class's own
    # `__eq__`/`__hash__`, which run on a real object rebuilt from the value (`_real`).

    def __eq__(self, other: object) -> bool:
        cls = _class_of(self)
        rules = _rules(cls) if cls is not None else _PLAIN
        if rules.own_eq:
            return bool(operator.eq(*_reals(self, other)))
        if not isinstance(other, ModelValue):
            return NotImplemented
        if rules.compared is None:  # `eq=False`: an object equals itself only
            return self is other
        if self.type != other.type:
            return False
        if rules.compared is _ALL:
            return self.fields == other.fields
        return all(self.fields.get(n) == other.fields.get(n) for n in rules.compared)

    def __hash__(self) -> int:
        cls = _class_of(self)
        if cls is not None and cls.__hash__ is None:  # a mutable model or dataclass
            raise TypeError(f"unhashable type: '{short_name(self.type)}'")
        rules = _rules(cls) if cls is not None else _PLAIN
        if rules.own_hash:
            return hash(_real(self))
        if rules.compared is None:
            return object.__hash__(self)
        names = self.fields if rules.hashed is _ALL else rules.hashed
        return hash((self.type, *(self.fields.get(n) for n in names)))

    def __repr__(self) -> str:
        if (real := _real_or_none(self)) is not None:  # `repr=False` fields, computed fields
            return shown(real, False)
        inner = ", ".join(f"{k}={v!r}" for k, v in self._shown())
        return f"{short_name(self.type)}({inner})"

    def __str__(self) -> str:
        if (real := _real_or_none(self)) is not None:
            return shown(real, True)
        if self.kind == "model":
            return " ".join(f"{k}={v!r}" for k, v in self._shown())
        return repr(self)

    def _shown(self) -> list[tuple[str, Any]]:
        """The fields a class's `repr` shows: a model's private attributes (`_token`) are not
        fields, and pydantic leaves them out; a dataclass's `_hits` is a field."""
        private = self.kind == "model"
        return [(k, v) for k, v in self.fields.items() if not (private and k.startswith("_"))]

    # Operators and protocols (`len`, `in`, `<`, `+`, ...): `model_operators`.


_ALL: tuple[str, ...] = ()  # (a marker: every field)


@dataclass(frozen=True, slots=True)
class _Rules:
    """How a class compares and hashes its instances: `compared` fields (`_ALL`, or None for
    identity), `hashed` fields, and whether it has its own `__eq__`/`__hash__` to run."""

    compared: tuple[str, ...] | None = _ALL
    hashed: tuple[str, ...] = _ALL
    own_eq: bool = False
    own_hash: bool = False


_PLAIN = _Rules()


@functools.cache
def _rules(cls: type) -> _Rules:
    own_eq, own_hash = _written(cls, "__eq__"), _written(cls, "__hash__")
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not dataclasses.is_dataclass(cls):  # a plain class: identity
        return _Rules(_ALL if hasattr(cls, "model_fields") else None, _ALL, own_eq, own_hash)
    fields = dataclasses.fields(cls)
    compared = tuple(f.name for f in fields if f.compare) if params.eq else None
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    return _Rules(compared, hashed, own_eq, own_hash)


_NOT_WRITTEN = frozenset({"builtins", "pydantic", "dataclasses", "abc", "enum"})


class IndexedModelValue(ModelValue):
    """A model or dataclass whose class defines `__index__`: Python finds the method where it
    looks for it (a subscript, a slice's bounds, `range`, `hex`, `operator.index`) and the
    class's own runs on a real object. Other values lack the method, so Python's errors for an
    object that is no index stay its own."""

    __slots__ = ()

    def __index__(self) -> int:
        return operator.index(_real(self))


MODEL_VALUES = frozenset({ModelValue, IndexedModelValue})
"""The classes of a model's or dataclass's value, for a check of the exact class."""

_INDEXED: dict[str, bool] = {}
"""Whether each loaded class (by path) defines `__index__`: `ModelValue.__new__` asks for each
value it makes."""


def _indexes(path: str) -> bool:
    known = _INDEXED.get(path)
    if known is None:
        from waymark_runtime.values.registry import find_class

        cls = find_class(path)
        if cls is None:  # not loaded (yet): asked again next time
            return False
        known = _INDEXED[path] = _written(cls, "__index__")
    return known


@functools.cache
def _written(cls: type, method: str) -> bool:
    """Does the user's code define `method` on `cls` or a base (not pydantic, not the code
    `@dataclass` generates, `order=True`'s comparisons included, which has no file)?"""
    for base in cls.__mro__:
        if base.__module__.partition(".")[0] in _NOT_WRITTEN:
            continue
        function = vars(base).get(method)
        if function is not None:
            code = getattr(function, "__code__", None)
            return code is not None and code.co_filename != "<string>"
    return False


def _real(value: Any) -> Any:
    """A real object rebuilt from a workflow value (classes of this process)."""
    if value.__class__ in (int, str, float, bool) or value is None:
        return value
    return _reals(value)[0]


def _reals(*values: Any) -> tuple[Any, ...]:
    """Real objects rebuilt from workflow values together, so that what they share is one
    object in them too (`rebuild`)."""
    from waymark_runtime.values.rebuild import rebuilt

    return rebuilt(*values)


def _real_or_none(value: ModelValue) -> Any:
    """The real object, when the class is loaded and the value rebuilds (else None)."""
    if _class_of(value) is None:
        return None
    try:
        return _real(value)
    except Exception:  # a value its class's validators no longer accept: shown as it is
        return None


def defines(path: str, *methods: str) -> bool:
    """Does the class at `path` (loaded here) define one of `methods` in the user's code
    (`_written`)? Where it does, Python would call that method: the runtime runs it on a
    real object (`model_operators`, `enums`)."""
    from waymark_runtime.values.registry import find_class

    cls = find_class(path)
    return cls is not None and any(_written(cls, method) for method in methods)


def _class_of(value: ModelValue | ExceptionValue) -> type | None:
    """The real class of a model, dataclass or exception, when this process has it loaded."""
    from waymark_runtime.values.registry import find_class

    return find_class(value.type)
