"""Exceptions as workflow values: class lineage (paths, most derived first), message, args,
attributes and Python's chain (`__cause__`, `__context__`, `__suppress_context__`), so
`except ConnectionError` matches subclasses by name without importing user code.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

from waymark_runtime.errors import message_of
from waymark_runtime.values.foreign import foreign_attrs
from waymark_runtime.values.model_values import _class_of, _real, _reals
from waymark_runtime.values.python_errors import refuse_operators
from waymark_runtime.values.structural import lineage, short_name

MAX_CHAIN = 256
"""Links of an exception's chain (`__cause__` and `__context__`, followed from it) a value
keeps; the ones beyond are left out, as a cycle's way back is. CPython keeps any number: this
bound keeps a chain a loop makes within what a stored value may nest (`VALUE_NESTING`)."""


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
            return bool(operator.eq(*_reals(self, other)))
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
