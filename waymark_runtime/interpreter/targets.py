"""Assignment targets, with CPython's semantics and error messages.

`compile_target` turns a target (name, tuple with an optional starred name, `container[index]`,
`value.attr`) into a closure storing a value; `compile_deletion` one deleting it (`del`).
Pure helpers of the expression and statement compilers; no I/O, no state (the closures charge the `Guards` of the
step context they are compiled for).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError, ProgramError
from waymark_runtime.interpreter.code import Assign, Env, Eval
from waymark_runtime.interpreter.guards import Guards
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.interpreter.operators import unbound
from waymark_runtime.values import EnumValue, ExceptionValue, ModelValue
from waymark_runtime.values.structural import short_name

if TYPE_CHECKING:
    from waymark_runtime.interpreter.library import Library

CompileExpr = Callable[[Any], Eval]


def compile_target(
    target: Any, compile_expr: CompileExpr, guards: Guards, library: Library | None = None
) -> Assign:
    """The closure storing into `target`; an attribute target (`obj.a = v`, statements only)
    sets it through the step context's `library`."""
    kind = type(target)
    if kind is ir.Name:
        return _name_target(target.id)
    if kind is ir.Subscript:
        return _subscript_target(compile_expr(target.value), compile_expr(target.index), guards)
    if kind is ir.Attribute:
        if library is None:
            raise ProgramError("an attribute target here (a comprehension's loop target)")
        return _attribute_target(compile_expr(target.value), target.attr, library)
    if kind in (ir.TupleExpr, ir.ListExpr):
        return _unpack_target(target.elts, compile_expr, guards, library)
    if kind is ir.Starred:  # `*a = xs`, `for *a in xs`: text Python could not have written
        raise ProgramError("starred assignment target must be in a list or tuple")
    raise InternalError(f"unknown assignment target {kind.__name__}")


def _name_target(name: str) -> Assign:
    def assign(env: Env, value: Any) -> None:
        env[name] = value

    return assign


def _subscript_target(container: Eval, index: Eval, guards: Guards) -> Assign:
    meter, hashed = guards.meter, guards.hashed

    def assign(env: Env, value: Any) -> None:
        target, key = container(env), index(env)
        if key.__class__ is not int and key.__class__ is not str:
            hashed(key)  # a tuple hashes every nested item
        target[key] = value
        if target.__class__ is dict or key.__class__ is slice:
            if key.__class__ is slice:
                meter.charge(len(target))  # the items after the slice moved
            if len(target) > meter.items:
                raise meter.too_many_items(len(target))

    return assign


def _attribute_target(obj: Eval, name: str, library: Library) -> Assign:
    set_attribute = library.set_attribute

    def assign(env: Env, value: Any) -> None:
        set_attribute(obj(env), name, value)

    return assign


def compile_deletion(target: Any, compile_expr: CompileExpr, meter: Meter) -> Callable[[Env], None]:
    """`del name` or `del container[index]`, with CPython's errors."""
    if type(target) is ir.Name:
        return _delete_name(target.id)
    if type(target) is ir.Subscript:
        return _delete_item(compile_expr(target.value), compile_expr(target.index), meter)
    raise InternalError(f"unknown deletion target {type(target).__name__}")


def _delete_name(name: str) -> Callable[[Env], None]:
    def delete(env: Env) -> None:
        if env.pop(name, _UNBOUND) is _UNBOUND:
            raise unbound(name)

    return delete


def _delete_item(container: Eval, index: Eval, meter: Meter) -> Callable[[Env], None]:
    def delete(env: Env) -> None:
        target, key = container(env), index(env)
        if isinstance(target, _STRUCTURAL):
            raise TypeError(f"'{short_name(target.type)}' object doesn't support item deletion")
        if key.__class__ is slice:
            meter.charge(len(target))  # the items after the slice move
        del target[key]

    return delete


_UNBOUND: Any = object()
_STRUCTURAL = (ModelValue, EnumValue, ExceptionValue)


def _unpack_target(
    elts: tuple[Any, ...], compile_expr: CompileExpr, guards: Guards, library: Library | None
) -> Assign:
    stars = [i for i, e in enumerate(elts) if isinstance(e, ir.Starred)]
    if len(stars) > 1:
        raise ProgramError("multiple starred expressions in assignment")
    subs = [
        compile_target(e.value if isinstance(e, ir.Starred) else e, compile_expr, guards, library)
        for e in elts
    ]
    if stars:
        return _starred_unpack(subs, stars[0], guards.meter)
    if len(subs) == 2:
        return _pair_unpack(subs[0], subs[1])
    return _fixed_unpack(subs, guards.meter)


def _pair_unpack(first: Assign, second: Assign) -> Assign:
    def assign(env: Env, value: Any) -> None:
        a, b = value  # Python's own unpacking: its errors are the right ones
        first(env, a)
        second(env, b)

    return assign


def _items(value: Any, meter: Meter) -> list[Any]:
    try:
        return meter.materialise(value)
    except TypeError:
        if not hasattr(value, "__iter__"):
            raise TypeError(f"cannot unpack non-iterable {type(value).__name__} object") from None
        raise


def _fixed_unpack(subs: list[Assign], meter: Meter) -> Assign:
    expected = len(subs)

    def assign(env: Env, value: Any) -> None:
        items = _items(value, meter)
        if len(items) > expected:
            raise ValueError(f"too many values to unpack (expected {expected})")
        if len(items) < expected:
            raise ValueError(f"not enough values to unpack (expected {expected}, got {len(items)})")
        for sub, item in zip(subs, items, strict=True):
            sub(env, item)

    return assign


def _starred_unpack(subs: list[Assign], star: int, meter: Meter) -> Assign:
    after = len(subs) - star - 1

    def assign(env: Env, value: Any) -> None:
        items = _items(value, meter)
        if len(items) < star + after:
            raise ValueError(
                f"not enough values to unpack (expected at least {star + after}, got {len(items)})"
            )
        split = len(items) - after
        parts = [*items[:star], items[star:split], *items[split:]]
        for sub, item in zip(subs, parts, strict=True):
            sub(env, item)

    return assign
