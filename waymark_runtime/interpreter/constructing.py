"""Instances a workflow constructs: what a constructed object keeps of the workflow's own values
(`sharing`), a class value called (`STRATEGIES[name](dest)`, `kind(2)`), and what assigning
an attribute of an instance runs (`stored_as_given`)."""

from __future__ import annotations

import inspect
import types
from typing import TYPE_CHECKING, Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.values import ExceptionValue, TypeValue
from waymark_runtime.values.model_values import MODEL_VALUES, defines
from waymark_runtime.values.registry import kind_of

if TYPE_CHECKING:
    from waymark_runtime.interpreter.library import Library


def new_of(library: Library, cls: TypeValue, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """`cls(...)` of a class value: an instance of the user's model, dataclass, named tuple,
    plain class or exception, built as `Cls(...)` is (`Library.new`); an enum's member by
    value, and Python's errors for any other class (`TypeValue.call`)."""
    found = library.types(cls.path)
    if not isinstance(found, type) or kind_of(found) in (None, "enum"):
        return cls.call(args, kwargs)
    return library.new(cls.path, args, kwargs)


def sharing(made: Any, obj: Any, given: dict[int, Any]) -> Any:
    """`made`, the workflow value of the constructed `obj`, holding the workflow's own values
    where the constructor kept an argument as it was (`given`: a real argument's id -> the
    value it was built from): `Invoice(lines)` keeps the very list, as in Python, so appending
    to `lines` later shows in the invoice; what the class copied or built (pydantic's validated
    lists) stays apart, as in Python."""
    kind = made.__class__
    if kind in MODEL_VALUES or kind is ExceptionValue:
        fields = made.fields if kind in MODEL_VALUES else made.attrs
        for name in fields:
            kept = given.get(id(getattr(obj, name, None)))
            if kept is not None:
                fields[name] = kept
        if kind is ExceptionValue:
            made.args = tuple(
                given.get(id(real), value) for real, value in zip(obj.args, made.args, strict=True)
            )
            if isinstance(obj, BaseExceptionGroup):
                made.attrs["exceptions"] = tuple(
                    given.get(id(real), value)
                    for real, value in zip(obj.exceptions, made.attrs["exceptions"], strict=True)
                )
    elif isinstance(made, tuple):  # a named tuple
        made = type(made)(
            *(given.get(id(real), value) for real, value in zip(obj, made, strict=True))
        )
    return made


def remember(given: dict[int, Any], value: Any, built: Any) -> None:
    """Note that the real argument `built` was made from the workflow value `value`, and so
    were the exceptions of a list or tuple of them: an `ExceptionGroup` holds the very
    exceptions of the sequence it is given (their identity, their chain), not copies."""
    given[id(built)] = value
    if value.__class__ in (list, tuple):
        for item, real in zip(value, built, strict=True):
            if item.__class__ is ExceptionValue:
                given[id(real)] = item


def stored_as_given(cls: type, path: str, name: str) -> bool:
    """Does `obj.name = value` on an instance of the user's `cls` (at `path`) store the value as
    it is given, with nothing of the class to run, as the runtime stores it in the workflow's
    value? A property without a setter is the class's to refuse (False: a real object tells).
    A property's setter, another descriptor's `__set__` or the class's own `__setattr__` would
    run the class's code on the object, which the runtime cannot do on the value a workflow
    holds (every name holding it must see what that code does): refused. A slot stores the
    value as it is given, as a `__dict__` does."""
    found = inspect.getattr_static(cls, name, None)
    if isinstance(found, types.MemberDescriptorType):
        found = None  # a `__slots__` entry (a `@dataclass(slots=True)` field) holds the value
    if isinstance(found, property) and found.fset is None:
        return False
    runs = "a property setter" if isinstance(found, property) else "a descriptor's `__set__`"
    if not hasattr(type(found), "__set__"):
        if not defines(path, "__setattr__"):
            return True
        runs = "its own `__setattr__`"
    raise ProgramError(
        f"assigning `{cls.__name__}.{name}` runs {runs} of {cls.__name__}, which a workflow does "
        "not run on an assignment: call a method of the class that sets its attributes instead"
    )
