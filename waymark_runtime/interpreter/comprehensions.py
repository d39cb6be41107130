"""List, set and dict comprehensions and generator expressions, as Python runs them.

The loop variables live in a scope of their own (over the enclosing locals, read when a name is
read, `scope_of`) so they do not leak, while an assignment expression (`:=`) in one binds the enclosing function's
variable, as PEP 572 says (`ENCLOSING` leads back to it); the first iterable is evaluated eagerly and a generator expression is otherwise lazy, so
`any(x > 2 for x in xs)` stops at the first match.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from waymark_runtime import ir
from waymark_runtime.interpreter.code import Assign, Env, Eval
from waymark_runtime.interpreter.guards import Guards
from waymark_runtime.interpreter.lazy import ENCLOSING, GenExp, GenForm, Scope
from waymark_runtime.interpreter.limits import ITEM_OPERATIONS, Meter, weight
from waymark_runtime.interpreter.targets import compile_target

CompileExpr = Callable[[Any], Eval]


@dataclass(frozen=True, slots=True)
class Clause:
    """One `for target in iter if cond ...`; `cost`: the operations of one of its items,
    charged on `meter`."""

    assign: Assign
    iter: Eval
    ifs: tuple[Eval, ...]
    cost: int
    meter: Meter


def compile_clauses(
    generators: tuple[ir.Generator, ...], compile_expr: CompileExpr, guards: Guards, *produced: Any
) -> list[Clause]:
    """The clauses; `produced` (the element, or a spread's call) is evaluated for each item of
    the last clause at most, so its weight is part of that clause's cost."""
    last = len(generators) - 1
    return [
        Clause(
            compile_target(g.target, compile_expr, guards),
            compile_expr(g.iter),
            tuple(compile_expr(c) for c in g.ifs),
            ITEM_OPERATIONS + weight((g.target, g.ifs, produced if i == last else ())),
            guards.meter,
        )
        for i, g in enumerate(generators)
    ]


def scope_of(env: Env) -> Env:
    """A comprehension's scope: its loop variables over the enclosing locals (read live), and a
    way back to them for `:=`."""
    scope = Scope(env)
    scope[ENCLOSING] = env
    return scope


def bindings(clauses: list[Clause], env: Env) -> Iterator[Env]:
    """`env` once for every binding the clauses produce, in order; the first iterable is
    evaluated now, the rest as the iterator is consumed."""
    return _bindings(clauses, 0, env, first_iterable(clauses[0], env))


def first_iterable(clause: Clause, env: Env) -> Iterator[Any]:
    """The first clause's iterable, read in the enclosing scope (its errors are marked with the
    clause, so only this comprehension takes them as read outside it)."""
    try:
        return iter(clause.iter(env))
    except UnboundLocalError as error:
        error._wm_outside = clause  # type: ignore[attr-defined]
        raise


def _bindings(clauses: list[Clause], depth: int, env: Env, iterable: Any) -> Iterator[Env]:
    clause = clauses[depth]
    meter = clause.meter
    last, cost = depth + 1 == len(clauses), clause.cost
    for item in iterable:
        meter.left -= cost
        if meter.left < 0:
            raise meter.spent()
        clause.assign(env, item)
        if all(cond(env) for cond in clause.ifs):
            if last:
                yield env
            else:
                yield from _bindings(clauses, depth + 1, env, clauses[depth + 1].iter(env))


# Comprehensions that run in a function scope of their own, where reading an unbound variable
# of the enclosing function is a NameError about a free variable: generator expressions, and
# before Python 3.12 (PEP 709 inlines the others) every comprehension.
_OWN_SCOPE = {"gen"} if sys.version_info >= (3, 12) else {"gen", "list", "set", "dict"}


def compile_comprehension(
    node: ir.Comprehension, compile_expr: CompileExpr, guards: Guards, genexps: list[GenForm]
) -> Eval:
    """A comprehension; a one-clause generator expression's form joins `genexps`, the
    program's, by which a saved state names it."""
    clauses = compile_clauses(node.generators, compile_expr, guards, node.elt, node.value)
    elt = compile_expr(node.elt)
    if node.kind == "gen" and len(clauses) == 1:
        return _one_clause(clauses[0], elt, genexps)
    if node.kind == "gen":
        return _generator(clauses, elt)
    if node.kind == "dict":
        assert node.value is not None
        built = _dict(clauses, elt, compile_expr(node.value), guards)
    elif node.kind == "set":
        built = _collect(clauses, elt, set, "add", guards)
    else:
        simple = _simple_list(node, clauses, elt, guards.meter)
        built = simple or _collect(clauses, elt, list, "append", guards)
    return _own_scope(built, clauses[0]) if node.kind in _OWN_SCOPE else built


def _own_scope(build: Eval, first: Clause) -> Eval:
    def run(env: Env) -> Any:
        try:
            return build(env)
        except UnboundLocalError as error:
            raise _free_variable(error, env, first) from None

    return run


def _free_variable(error: UnboundLocalError, env: Env, first: Clause) -> Exception:
    """An unbound variable of the enclosing function read inside the comprehension's scope
    (its first iterable, `first`, is read outside: unbound in `env` too, it stays as it is —
    the first iterable of a comprehension nested in this one is read inside this one)."""
    name = getattr(error, "name", None)
    if name is None or name in env or getattr(error, "_wm_outside", None) is first:
        return error
    return NameError(
        f"cannot access free variable '{name}' where it is not associated with a value in "
        "enclosing scope"
    )


def _generator(clauses: list[Clause], elt: Eval) -> Eval:
    def make(env: Env) -> Iterator[Any]:
        scopes = bindings(clauses, scope_of(env))  # the first iterable: read in the enclosing scope
        return _free_names((elt(scope) for scope in scopes), env, clauses[0])

    return make


def _one_clause(clause: Clause, elt: Eval, genexps: list[GenForm]) -> Eval:
    def free(error: UnboundLocalError, env: Env) -> Exception:
        return _free_variable(error, env, clause)

    form = GenForm(len(genexps), clause.assign, clause.ifs, elt, clause.cost, clause.meter, free)
    genexps.append(form)

    def make(env: Env) -> GenExp:
        scope = Scope(env)
        scope[ENCLOSING] = env
        return GenExp(form, scope, first_iterable(clause, env))

    return make


def _free_names(items: Iterable[Any], env: Env, first: Clause) -> Iterator[Any]:
    try:
        yield from items
    except UnboundLocalError as error:
        raise _free_variable(error, env, first) from None


def _collect(clauses: list[Clause], elt: Eval, kind: type, add: str, guards: Guards) -> Eval:
    meter, hashed = guards.meter, guards.hashed

    def build(env: Env) -> Any:
        out, limit = kind(), meter.items
        put = getattr(out, add)
        for scope in bindings(clauses, scope_of(env)):
            put(elt(scope) if kind is list else hashed(elt(scope)))
            if len(out) > limit:
                raise meter.too_many_items(len(out))
        return out

    return build


def _dict(clauses: list[Clause], key: Eval, value: Eval, guards: Guards) -> Eval:
    meter, hashed = guards.meter, guards.hashed

    def build(env: Env) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        limit = meter.items
        for scope in bindings(clauses, scope_of(env)):
            out[hashed(key(scope))] = value(scope)
            if len(out) > limit:
                raise meter.too_many_items(len(out))
        return out

    return build


def _simple_list(
    node: ir.Comprehension, clauses: list[Clause], elt: Eval, meter: Meter
) -> Eval | None:
    """`[f(x) for x in xs]` (one clause, a plain name, no condition): a single tight loop."""
    only = node.generators[0]
    if len(clauses) != 1 or only.ifs or not isinstance(only.target, ir.Name):
        return None
    name, cost = only.target.id, clauses[0].cost

    def build(env: Env) -> list[Any]:
        scope = scope_of(env)
        out: list[Any] = []
        limit = meter.items
        for item in first_iterable(clauses[0], env):
            meter.left -= cost
            if meter.left < 0 or len(out) >= limit:
                raise meter.spent() if meter.left < 0 else meter.too_many_items(len(out) + 1)
            scope[name] = item
            out.append(elt(scope))
        return out

    return build
