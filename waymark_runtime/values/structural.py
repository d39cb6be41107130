"""Structural workflow values: models, exceptions and classes by type path (enum members:
`enums`).

A runner computes with these without importing user code: a model is its type path and fields,
an exception its class lineage (paths, most derived first), message, args and attributes, so
`except ConnectionError` matches subclasses by name. Classes are looked up only in the type
registry (`registry`); nothing here imports a module.
"""

from __future__ import annotations

import builtins
import collections
import dataclasses
import datetime as dt
import decimal
import fractions
import functools
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self, TypeAlias
from zoneinfo import ZoneInfo

from waymark_runtime.errors import message_of
from waymark_runtime.values.enum_classes import ClassBehaviour
from waymark_runtime.values.foreign import foreign_attrs
from waymark_runtime.values.object_text import shown
from waymark_runtime.values.python_errors import refuse_operators
from waymark_runtime.vocabulary import DEFAULT_FACTORY_CLASSES, DEFAULT_FACTORY_TYPES

JSON: TypeAlias = Any
TypeResolver: TypeAlias = Callable[[str], type | None]
"""Finds the class at `module:QualName`, or None; must never import on a program's say-so."""


def type_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


_ROOTS = frozenset({"builtins:object", "pydantic.main:BaseModel", "typing:Generic"})


_LINEAGES: dict[type, tuple[str, ...]] = {}


def lineage(cls: type) -> tuple[str, ...]:
    """The class and its bases as paths, most derived first, without the universal roots."""
    found = _LINEAGES.get(cls)
    if found is None:
        paths = (type_path(c) for c in cls.__mro__)
        found = _LINEAGES[cls] = tuple(p for p in paths if p not in _ROOTS)
    return found


# What `date.isocalendar()` returns: a tuple with `year`, `week` and `weekday` (not public).
ISO_CALENDAR_DATE: type = type(dt.date.min.isocalendar())


STANDARD_CLASSES: dict[str, type] = {
    type_path(cls): cls
    for cls in (dt.date, dt.datetime, dt.time, dt.timedelta, dt.timezone, decimal.Decimal,
                fractions.Fraction, uuid.UUID, ZoneInfo, collections.ChainMap,
                collections.Counter, collections.OrderedDict, collections.defaultdict,
                collections.deque)
}  # fmt: skip
"""The standard value classes by path (`decimal:Decimal`): the classes a value may hold and a
program may name besides builtins and the user's."""

# The default factories a stored `defaultdict` may have (`vocabulary.DEFAULT_FACTORY_TYPES` and
# `DEFAULT_FACTORY_CLASSES`).
DEFAULT_FACTORY_PATHS: dict[str, type] = {
    **{f"builtins:{name}": getattr(builtins, name) for name in DEFAULT_FACTORY_TYPES},
    **{path: STANDARD_CLASSES[path] for path in DEFAULT_FACTORY_CLASSES},
}
"""A factory by the class path a program names (`builtins:list`, `decimal:Decimal`)."""
DEFAULT_FACTORIES: dict[str, type] = {cls.__name__: cls for cls in DEFAULT_FACTORY_PATHS.values()}
"""A factory by the name a stored `defaultdict` keeps (`list`, `Decimal`)."""


def short_name(path: str) -> str:
    return path.rpartition(":")[2].rpartition(".")[2]


# ---------------------------------------------------------------------------------------------
# Structural values
# ---------------------------------------------------------------------------------------------


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
            return bool(_real(self) == _real(other))
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
    from waymark_runtime.values.decode import real_value
    from waymark_runtime.values.registry import find_class

    if value.__class__ in (int, str, float, bool) or value is None:
        return value
    if value.__class__ is slice:  # `page[1:]`: a slice is no stored value, its bounds are
        return slice(_real(value.start), _real(value.stop), _real(value.step))
    return real_value(value, types=find_class)


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


class _Missing:
    def __repr__(self) -> str:
        return "<unknown>"


MISSING: Any = _Missing()


MAX_CHAIN = 32
"""Links of an exception's chain (`__cause__` and `__context__`, followed from it) a value
keeps; the ones beyond are left out, as a cycle's way back is."""


class ExceptionValue:
    """An exception by class lineage (paths, most derived first), message, args and attributes,
    and the traceback text of where an action raised it (`tracebacks`), when it was recorded.

    Its chain is Python's: `cause` (`raise ... from cause`), `context` (the exception being
    handled where it was raised) and `suppress` (`__suppress_context__`). `fresh` marks one just
    raised whose `context` the frames it leaves still decide (`interpreter.code`), `deep` one
    whose chain gets that context at its root (an action's, raised inside the awaiting frame's
    `except` body as Python runs an awaited coroutine); neither is stored.
    """

    __slots__ = ("args", "attrs", "cause", "context", "deep", "fresh", "lineage", "message",
                 "suppress", "traceback")  # fmt: skip

    def __init__(
        self,
        lineage: tuple[str, ...],
        message: str,
        args: tuple[Any, ...] = (),
        attrs: dict[str, Any] | None = None,
        traceback: str | None = None,
    ) -> None:
        self.lineage = lineage
        self.message = message
        self.args = args
        self.attrs = attrs or {}
        self.traceback = traceback
        self.cause: ExceptionValue | None = None
        self.context: ExceptionValue | None = None
        self.suppress = False
        self.fresh = self.deep = False

    def __copy__(self) -> ExceptionValue:
        copied = ExceptionValue(
            self.lineage, self.message, self.args, dict(self.attrs), self.traceback
        )
        copied.cause, copied.context, copied.suppress = self.cause, self.context, self.suppress
        return copied

    def raised_while(self, handled: ExceptionValue) -> None:
        """Raised (`fresh`) while `handled` is handled: its context, or its chain's root's.
        Re-raised in its own `except` body, it is still as it was raised: a frame further out
        decides."""
        if handled is self:
            return
        if self.fresh:
            link: ExceptionValue = self
            while self.deep and link.context is not None:
                link = link.context
            link.chained(handled)
        self.fresh = self.deep = False

    def chained(self, context: ExceptionValue) -> None:
        """`context` is being handled where this exception is raised: it becomes the context,
        as CPython sets it, a link back to this exception in its chain cut so that no cycle
        forms (a chain is finite by construction)."""
        if context is self:
            return
        link: ExceptionValue | None = context
        while link is not None:
            if link.context is self:
                link.context = None
                break
            link = link.context
        self.context = context
        self.trim()

    def caused_by(self, cause: ExceptionValue | None) -> None:
        """`raise self from cause`: the cause kept, the context suppressed (`from None` too)."""
        self.cause, self.suppress = cause, True
        self.trim()

    def trim(self) -> None:
        """Cut the chain after `MAX_CHAIN` links, where storing it would (`encode`: the cause
        before the context, depth first), so a value is the same before and after it is
        stored, and no chain grows without bound."""
        budget = [MAX_CHAIN]

        def walk(value: ExceptionValue) -> None:
            shared = value.context is not None and value.context is value.cause
            for name in ("cause", "context"):
                link = getattr(value, name)
                if link is None or (shared and name == "context"):
                    continue
                if budget[0] > 0:
                    budget[0] -= 1
                    walk(link)
                else:
                    setattr(value, name, None)
            if shared:
                value.context = value.cause

        walk(self)

    @property
    def type(self) -> str:
        return self.lineage[0]

    def is_a(self, wanted: str) -> bool:
        """Does the class or a base match `wanted` (`module:QualName`, or a bare class name)?"""
        if ":" in wanted:
            return wanted in self.lineage or (
                wanted.startswith("waymark:")
                and short_name(wanted) in map(short_name, self.lineage)
            )
        return any(short_name(path) == wanted for path in self.lineage)

    def __str__(self) -> str:
        return self.message

    # Equality, hashing and `repr` are `BaseException`'s (identity, the args) unless the class,
    # loaded here, has its own: a `@dataclass` exception's generated ones, or the user's. Those
    # run on a real exception rebuilt from the value, as a model's do.

    def __eq__(self, other: object) -> bool:
        if _exception_own(self, "__eq__"):
            return bool(_real(self) == _real(other))
        return True if self is other else NotImplemented

    def __hash__(self) -> int:
        cls = _class_of(self)
        if cls is not None and cls.__hash__ is None:  # a `@dataclass` exception, not frozen
            raise TypeError(f"unhashable type: '{short_name(self.type)}'")
        if _exception_own(self, "__hash__"):
            return hash(_real(self))
        return object.__hash__(self)

    def __repr__(self) -> str:
        if _exception_own(self, "__repr__"):
            return repr(_real(self))
        return f"{short_name(self.type)}({', '.join(map(repr, self.args))})"


def _exception_own(error: ExceptionValue, method: str) -> bool:
    """Does the exception's class, when loaded here, define `method` other than as
    `BaseException` does?"""
    cls = _class_of(error)
    return cls is not None and _overrides(cls, method)


@functools.cache
def _overrides(cls: type, method: str) -> bool:
    return getattr(cls, method, None) not in (None, getattr(BaseException, method))


class PathValue:
    """A class or function used as a value, by its import path `module:QualName`: equal to
    the same kind of value at the same path, and copied as itself, as Python copies them."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


class TypeValue(ClassBehaviour, PathValue):
    """A class used as a value (`isinstance(x, ValueError)`), by path; an enum class's
    members are read through it (`ClassBehaviour`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<class '{short_name(self.path)}'>"


def type_name(obj: Any) -> str:
    """`type(obj).__name__` of a workflow value: a model, enum or exception by its class."""
    from waymark_runtime.values.enums import EnumValue  # (it imports this module)

    if isinstance(obj, ModelValue | EnumValue | ExceptionValue):
        return short_name(obj.type)
    if isinstance(obj, TypeValue):  # a class: an instance of `type`
        return "type"
    return type(obj).__name__


_NOTES = "__notes__"  # `add_note`'s, kept as an attribute (`interpreter.exception_notes`)


def exception_value(error: BaseException) -> ExceptionValue:
    """The structural form of a real exception (args and attributes as workflow values)."""
    if isinstance(error, ExceptionCarrier):
        return error.value
    found = lineage(type(error))
    attrs = foreign_attrs(error, found[0])
    if attrs is None:
        attrs = {k: v for k, v in vars(error).items() if not k.startswith("__") or k == _NOTES}
        for kind, names in _BUILTIN_ATTRIBUTES:
            if isinstance(error, kind):
                attrs.update((name, getattr(error, name, None)) for name in names)
    return ExceptionValue(found, message_of(error), _args(error), attrs)


def chained_value(error: BaseException) -> ExceptionValue:
    """`exception_value` with the chain an exception raised by user code has: its `__cause__`,
    `__context__` and `__suppress_context__` (one exception both cause and context is one
    value), at most `MAX_CHAIN` of them; a chain Python code made into a cycle ends where it
    would come back."""
    made: dict[int, ExceptionValue] = {}
    path: set[int] = set()

    def value_of(real: BaseException) -> ExceptionValue:
        made[id(real)] = value = exception_value(real)
        value.suppress = bool(real.__suppress_context__)
        path.add(id(real))
        for name in ("cause", "context"):
            link = getattr(real, f"__{name}__")
            if not isinstance(link, BaseException) or id(link) in path:
                continue
            if id(link) in made:
                setattr(value, name, made[id(link)])
            elif len(made) < MAX_CHAIN:
                setattr(value, name, value_of(link))
        path.discard(id(real))
        return value

    return value_of(error)


def _args(error: BaseException) -> tuple[Any, ...]:
    """`error.args`, or none when a class overrides it with a property that raises."""
    try:
        return tuple(error.args)
    except Exception:
        return ()


# The attributes builtin exceptions set in C, outside `vars(error)`, that code reads
# (`error.errno`, `error.value` of a `StopIteration`); not `AttributeError.obj`, any object.
_BUILTIN_ATTRIBUTES: tuple[tuple[type[BaseException], tuple[str, ...]], ...] = (
    (OSError, ("errno", "strerror", "filename", "filename2")),
    (UnicodeDecodeError, ("encoding", "object", "start", "end", "reason")),
    (UnicodeEncodeError, ("encoding", "object", "start", "end", "reason")),
    (AttributeError, ("name",)),
    (NameError, ("name",)),
    (ImportError, ("name", "path")),
    (StopIteration, ("value",)),
    (SystemExit, ("code",)),
    (SyntaxError, ("msg", "filename", "lineno", "offset", "text")),
    (BaseExceptionGroup, ("message", "exceptions")),
)


refuse_operators(ExceptionValue, lambda error: short_name(error.type))


class ExceptionCarrier(Exception):
    """Carries an `ExceptionValue` through Python's own raise/except inside the interpreter."""

    def __init__(self, value: ExceptionValue) -> None:
        super().__init__(value.message)
        self.value = value
