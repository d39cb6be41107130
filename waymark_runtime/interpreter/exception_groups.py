"""Exception groups a workflow holds, split as CPython splits them, and the three steps of an
`except*` statement (`lower.except_star`): `EXCEPT_STAR_SPLIT` takes what a clause's classes
match from what is left (a naked exception wrapped in `ExceptionGroup("", (e,))`),
`EXCEPT_STAR_ENTER` raises that part where the clause's body handles it, and
`EXCEPT_STAR_LEAVE` raises what the statement lets out: the parts left or re-raised, projected
back onto the original group, with the exceptions the clauses raised.

Nothing here runs user code: a class given to `split`/`subgroup` is matched by its lineage, and
a derived group is a plain `ExceptionGroup` (or `BaseExceptionGroup`), as `derive` makes one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.exception_notes import NOTES
from waymark_runtime.values import ExceptionValue, TypeResolver, TypeValue
from waymark_runtime.values.callables import HelperValue, PartialValue
from waymark_runtime.values.exception_values import ExceptionCarrier, exception_value
from waymark_runtime.vocabulary import EXCEPT_STAR_ENTER, EXCEPT_STAR_LEAVE, EXCEPT_STAR_SPLIT

GROUP = "builtins:BaseExceptionGroup"
_EXCEPTION = "builtins:Exception"

Matches = Callable[[ExceptionValue], bool]


def is_group(value: Any) -> bool:
    return value.__class__ is ExceptionValue and GROUP in value.lineage


def members(group: ExceptionValue) -> tuple[ExceptionValue, ...]:
    found: tuple[ExceptionValue, ...] = tuple(group.attrs.get("exceptions", ()))
    return found


def new_group(message: str, excs: Sequence[ExceptionValue]) -> ExceptionValue:
    """`BaseExceptionGroup(message, excs)`: an `ExceptionGroup` when every member is an
    `Exception`, holding the very members (`excs`, a list or a tuple, is its `args[1]`)."""
    stand_ins = [Exception() if _EXCEPTION in e.lineage else BaseException() for e in excs]
    made = exception_value(BaseExceptionGroup(message, stand_ins))
    made.args = (message, excs)
    made.attrs["exceptions"] = tuple(excs)
    return made


def derive(group: ExceptionValue, excs: Sequence[ExceptionValue]) -> ExceptionValue:
    """`group.derive(excs)`: a group of `excs` with the message of `group`, nothing else."""
    return new_group(group.attrs.get("message", ""), excs)


def _subset(group: ExceptionValue, excs: list[ExceptionValue]) -> ExceptionValue | None:
    """A part of `group` made by `split`: derived, with the group's cause, context and a copy
    of its notes, and its context suppressed (CPython sets the cause, which suppresses it)."""
    if not excs:
        return None
    part = derive(group, excs)
    part.cause, part.context, part.suppress = group.cause, group.context, True
    notes = group.attrs.get(NOTES)
    if isinstance(notes, list | tuple):
        part.attrs[NOTES] = list(notes)
    return part


def split(
    exc: ExceptionValue, matches: Matches
) -> tuple[ExceptionValue | None, ExceptionValue | None]:
    """CPython's `split`: a group (or leaf) that matches as a whole is the match itself; else
    each member is split and the matching and other parts are derived from the group."""
    if matches(exc):
        return exc, None
    if not is_group(exc):
        return None, exc
    matched: list[ExceptionValue] = []
    rest: list[ExceptionValue] = []
    for member in members(exc):
        match, other = split(member, matches)
        if match is not None:
            matched.append(match)
        if other is not None:
            rest.append(other)
    return _subset(exc, matched), _subset(exc, rest)


def of_classes(paths: Sequence[str]) -> Matches:
    return lambda exc: any(path in exc.lineage for path in paths)


GROUP_METHODS = frozenset({"split", "subgroup", "derive"})
"""The methods of a group a workflow may call: `split` and `subgroup` by class (or a tuple of
classes), and `derive`, which `Library` builds as `BaseExceptionGroup(message, excs)`."""


def group_method(
    group: ExceptionValue,
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    types: TypeResolver,
    new: Callable[[str, list[Any], dict[str, Any]], Any],
) -> Any:
    """`group.split(classes)` (the match and the rest), `group.subgroup(classes)`, or
    `group.derive(excs)`: `BaseExceptionGroup(message, excs)`, built by `new` as the workflow
    builds an `ExceptionGroup` (the very exceptions of `excs`) unless a member is no
    `Exception`; with CPython's errors."""
    if kwargs or len(args) != 1:
        raise _python_error(name, len(args), kwargs)
    if name == "derive":
        message, excs = group.attrs.get("message", ""), args[0]
        if excs.__class__ in (list, tuple) and excs and _no_exception_among(excs):
            return new_group(message, excs)  # `BaseExceptionGroup`: a `CancelledError` in it
        return new("builtins:ExceptionGroup", [message, excs], {})
    match, rest = split(group, of_classes(_class_paths(args[0], types)))
    return (match, rest) if name == "split" else match


def _python_error(name: str, count: int, kwargs: dict[str, Any]) -> TypeError:
    """The running Python's own `TypeError` for a call of a group's method with `count`
    arguments and these keywords, or with one argument that is no exception class (its
    wording changes between Python versions)."""
    sample = ExceptionGroup("", [ValueError()])
    try:  # (through the class: CPython 3.13 names the class that defines it, as `eg.m()` does)
        getattr(BaseExceptionGroup, name)(sample, *[None] * count, **dict.fromkeys(kwargs))
    except TypeError as error:
        return TypeError(*error.args)
    raise AssertionError(f"BaseExceptionGroup.{name} accepted a bad call")  # pragma: no cover


def _no_exception_among(excs: Sequence[Any]) -> bool:
    """Are all of `excs` exceptions, one of them no `Exception`?"""
    every = all(exc.__class__ is ExceptionValue for exc in excs)
    return every and any(_EXCEPTION not in exc.lineage for exc in excs)


def _class_paths(condition: Any, types: TypeResolver) -> tuple[str, ...]:
    """The paths of an exception class or a tuple of them, else CPython's `TypeError`."""
    given = condition if condition.__class__ is tuple else (condition,)
    paths: list[str] = []
    for cls in given:
        if isinstance(cls, HelperValue | PartialValue):
            raise ProgramError(
                "a group is split by class in a workflow, not by a condition function: pass "
                "an exception class or a tuple of them"
            )
        found = types(cls.path) if isinstance(cls, TypeValue) else None
        if not (isinstance(found, type) and issubclass(found, BaseException)):
            raise _python_error("subgroup", 1, {})
        paths.append(cls.path)
    return tuple(paths)


def _leaves(exc: ExceptionValue) -> list[ExceptionValue]:
    if not is_group(exc):
        return [exc]
    return [leaf for member in members(exc) for leaf in _leaves(member)]


def throw(value: ExceptionValue) -> NoReturn:
    """Raise `value` as it is, as a bare `raise` does: its context is left as it was."""
    value.fresh = value.deep = False
    raise ExceptionCarrier(value)


def except_star_functions(types: TypeResolver) -> dict[str, Callable[..., Any]]:
    """The builtins of an `except*` statement, classes found with `types`."""

    def split_clause(rest: ExceptionValue | None, *paths: str) -> tuple[Any, Any]:
        if not paths or not all(path.__class__ is str for path in paths):
            raise ProgramError(f"`{EXCEPT_STAR_SPLIT}` takes exception class paths")
        _held(rest, EXCEPT_STAR_SPLIT, none=True)
        for path in paths:
            cls = types(path)
            if isinstance(cls, type) and issubclass(cls, BaseExceptionGroup):
                raise TypeError(
                    "catching ExceptionGroup with except* is not allowed. Use except instead."
                )
        if rest is None:
            return None, None
        if is_group(rest):
            return split(rest, of_classes(paths))
        if of_classes(paths)(rest):
            return new_group("", (rest,)), None
        return None, rest

    def enter(part: ExceptionValue) -> NoReturn:
        throw(_held(part, EXCEPT_STAR_ENTER))

    return {EXCEPT_STAR_SPLIT: split_clause, EXCEPT_STAR_ENTER: enter, EXCEPT_STAR_LEAVE: leave}


def _held(value: Any, where: str, *, none: bool = False) -> Any:
    """`value` when it is an exception (or None, with `none`), else the program is malformed:
    only the compiler writes these calls."""
    if value.__class__ is ExceptionValue or (none and value is None):
        return value
    raise ProgramError(f"`{where}` takes an exception, not {type(value).__name__}")


def leave(
    orig: ExceptionValue, raised: list[tuple[ExceptionValue, bool]], rest: ExceptionValue | None
) -> None:
    """Raise what an `except*` statement lets out (CPython's `_PyExc_PrepReraiseStar`):
    `raised` pairs each exception a clause's body raised with whether it re-raised the part
    the clause was given (a bare `raise`); `rest` is the part no clause matched."""
    _held(orig, EXCEPT_STAR_LEAVE)
    _held(rest, EXCEPT_STAR_LEAVE, none=True)
    if raised.__class__ is not list or not all(
        pair.__class__ is tuple and len(pair) == 2 and pair[0].__class__ is ExceptionValue
        for pair in raised
    ):
        raise ProgramError(f"`{EXCEPT_STAR_LEAVE}` takes a list of (exception, bool) pairs")
    outcomes = [*raised, (rest, True)]
    if not is_group(orig):  # a naked exception: at most one clause ran
        for exc, _ in outcomes:
            if exc is not None:
                throw(exc)
        return
    new = [exc for exc, again in outcomes if exc is not None and not again]
    kept = {id(leaf) for exc, again in outcomes if exc is not None and again
            for leaf in _leaves(exc)}  # fmt: skip
    projected = split(orig, lambda exc: id(exc) in kept)[0] if kept else None
    if projected is not None:
        new.append(projected)
    if new:
        throw(new[0] if len(new) == 1 else new_group("", new))
