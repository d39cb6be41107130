"""`match` patterns compiled to closures `(subject, env) -> bool` that bind captures into env.

Semantics follow PEP 634: sequence patterns accept sequences (lists, tuples, ranges, deques)
but not strings or bytes, mapping patterns check keys, class patterns check the class by path
(structural values carry their class lineage) and read attributes; `case None/True/False`
compare by identity.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError, ProgramError
from waymark_runtime.interpreter import attributes, classes
from waymark_runtime.interpreter.code import Env
from waymark_runtime.interpreter.expressions import ExprCompiler
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.values import ModelValue, TypeValue

Matcher = Callable[[Any, Env], bool]

# Builtins whose class pattern `int(x)` matches the subject itself.
_SELF_MATCHING = frozenset(
    f"builtins:{n}"
    for n in [
        "bool",
        "bytearray",
        "bytes",
        "dict",
        "float",
        "frozenset",
        "int",
        "list",
        "set",
        "str",
        "tuple",
    ]
)


def compile_pattern(pattern: Any, exprs: ExprCompiler) -> Matcher:
    make = _MAKERS.get(type(pattern))
    if make is None:
        raise InternalError(
            f"the interpreter has no rule for pattern node {type(pattern).__name__}"
        )
    return make(pattern, exprs)


def _value(pattern: ir.MatchValue, exprs: ExprCompiler) -> Matcher:
    if isinstance(pattern.value, ir.Const) and any(
        pattern.value.value is c for c in (None, True, False)
    ):
        constant = pattern.value.value
        return lambda subject, env: subject is constant
    value = exprs.compile(pattern.value)
    return lambda subject, env: bool(subject == value(env))


def _as(pattern: ir.MatchAs, exprs: ExprCompiler) -> Matcher:
    name = pattern.name
    inner = None if pattern.pattern is None else compile_pattern(pattern.pattern, exprs)
    if name is None:
        return inner or (lambda subject, env: True)

    def capture(subject: Any, env: Env) -> bool:
        if inner is not None and not inner(subject, env):
            return False
        env[name] = subject
        return True

    return capture


def _or(pattern: ir.MatchOr, exprs: ExprCompiler) -> Matcher:
    options = [compile_pattern(p, exprs) for p in pattern.patterns]
    return lambda subject, env: any(option(subject, env) for option in options)


def _is_sequence(subject: Any) -> bool:
    return isinstance(subject, Sequence) and not isinstance(subject, (str, bytes, bytearray))


def _sequence(pattern: ir.MatchSequence, exprs: ExprCompiler) -> Matcher:
    stars = [i for i, p in enumerate(pattern.patterns) if isinstance(p, ir.MatchStar)]
    parts = [
        None if isinstance(p, ir.MatchStar) else compile_pattern(p, exprs) for p in pattern.patterns
    ]
    if not stars:
        return _fixed_sequence(parts)  # type: ignore[arg-type]
    star = stars[0]
    star_name = pattern.patterns[star].name  # type: ignore[union-attr]
    after = parts[star + 1 :]
    return _starred_sequence(parts[:star], star_name, after, exprs.meter)  # type: ignore[arg-type]


def _fixed_sequence(parts: list[Matcher]) -> Matcher:
    def match(subject: Any, env: Env) -> bool:
        if not _is_sequence(subject) or len(subject) != len(parts):
            return False
        return all(part(item, env) for part, item in zip(parts, subject, strict=True))

    return match


def _starred_sequence(
    before: list[Matcher], name: str | None, after: list[Matcher], meter: Meter
) -> Matcher:
    def match(subject: Any, env: Env) -> bool:
        if not _is_sequence(subject) or len(subject) < len(before) + len(after):
            return False
        items = meter.materialise(subject)  # charged: a match in a loop copies each time
        split = len(items) - len(after)
        if not all(p(item, env) for p, item in zip(before, items, strict=False)):
            return False
        if not all(p(item, env) for p, item in zip(after, items[split:], strict=True)):
            return False
        if name is not None:
            env[name] = items[len(before) : split]
        return True

    return match


def _mapping(pattern: ir.MatchMapping, exprs: ExprCompiler) -> Matcher:
    keys = [exprs.compile(k) for k in pattern.keys]
    parts = [compile_pattern(p, exprs) for p in pattern.patterns]
    rest = pattern.rest

    def match(subject: Any, env: Env) -> bool:
        if not isinstance(subject, Mapping):
            return False
        wanted = [key(env) for key in keys]
        if any(k not in subject for k in wanted):
            return False
        if not all(part(subject[k], env) for part, k in zip(parts, wanted, strict=True)):
            return False
        if rest is not None:
            env[rest] = {k: v for k, v in subject.items() if k not in wanted}
        return True

    return match


def _class(pattern: ir.MatchClass, exprs: ExprCompiler) -> Matcher:
    cls = TypeValue(pattern.cls)
    positional = [compile_pattern(p, exprs) for p in pattern.patterns]
    named = [
        (n, compile_pattern(p, exprs))
        for n, p in zip(pattern.kwd_names, pattern.kwd_patterns, strict=True)
    ]
    self_match = pattern.cls in _SELF_MATCHING

    def match(subject: Any, env: Env) -> bool:
        if not classes.is_instance(subject, cls):
            return False
        fields = _positional_fields(subject, cls.path, len(positional), self_match)
        pairs = [*zip(fields, positional, strict=True), *named]
        return all(_attribute_matches(subject, name, part, env) for name, part in pairs)

    return match


def _positional_fields(subject: Any, path: str, count: int, self_match: bool) -> list[str | None]:
    if count == 0:
        return []
    if self_match and count == 1:
        return [None]
    if (
        isinstance(subject, ModelValue)
        and subject.kind == "dataclass"
        and count <= len(subject.fields)
    ):
        fields: list[str | None] = list(subject.fields)
        return fields[:count]
    raise _no_positional(subject, path, count)


def _no_positional(subject: Any, path: str, count: int) -> TypeError:
    """Python's error for positional sub-patterns of a class without `__match_args__`, in the
    running Python's words: asked of the real class when its module is loaded (a standard
    value class is named as its C type is, `datetime.datetime()`), never imported for it."""
    module, _, name = path.partition(":")
    real = getattr(sys.modules.get(module), name, None)
    if isinstance(real, type) and isinstance(subject, real):
        try:
            match subject:
                case real(_):  # type: ignore[misc]
                    pass
        except TypeError as error:
            return TypeError(str(error).replace("(1 given)", f"({count} given)"))
    return TypeError(
        f"{name.rpartition('.')[2]}() accepts 0 positional sub-patterns ({count} given)"
    )


def _attribute_matches(subject: Any, name: str | None, part: Matcher, env: Env) -> bool:
    if name is None:
        return part(subject, env)
    try:
        value = attributes.get_attribute(subject, name)
    except AttributeError:
        return False
    return part(value, env)


def _star(pattern: ir.MatchStar, exprs: ExprCompiler) -> Matcher:
    raise ProgramError("a star pattern outside a sequence pattern")


_MAKERS: dict[type, Callable[[Any, ExprCompiler], Matcher]] = {
    ir.MatchValue: _value,
    ir.MatchAs: _as,
    ir.MatchOr: _or,
    ir.MatchSequence: _sequence,
    ir.MatchMapping: _mapping,
    ir.MatchClass: _class,
    ir.MatchStar: _star,
}
