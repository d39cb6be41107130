"""List, set and dict comprehensions and generator expressions, as Python runs them.

The loop variables live in a scope of their own (a copy of the enclosing locals) so they do not
leak; the first iterable is evaluated eagerly and a generator expression is otherwise lazy, so
`any(x > 2 for x in xs)` stops at the first match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from waymark_runtime import ir
from waymark_runtime.interpreter.code import Assign, Env, Eval
from waymark_runtime.interpreter.targets import compile_target

CompileExpr = Callable[[Any], Eval]
Emit = Callable[[Env], None]


@dataclass(frozen=True, slots=True)
class Clause:
    """One `for target in iter if cond ...`."""

    assign: Assign
    iter: Eval
    ifs: tuple[Eval, ...]


def compile_clauses(
    generators: tuple[ir.Generator, ...], compile_expr: CompileExpr
) -> list[Clause]:
    return [
        Clause(
            compile_target(g.target, compile_expr),
            compile_expr(g.iter),
            tuple(compile_expr(c) for c in g.ifs),
        )
        for g in generators
    ]


def walk(clauses: list[Clause], env: Env, emit: Emit) -> None:
    """Call `emit(scope)` for every binding the clauses produce, in order (eager)."""
    _walk(clauses, 0, env, clauses[0].iter(env), emit)


def _walk(clauses: list[Clause], depth: int, env: Env, iterable: Any, emit: Emit) -> None:
    clause = clauses[depth]
    last = depth + 1 == len(clauses)
    for item in iterable:
        clause.assign(env, item)
        if all(cond(env) for cond in clause.ifs):
            if last:
                emit(env)
            else:
                _walk(clauses, depth + 1, env, clauses[depth + 1].iter(env), emit)


def _lazy(clauses: list[Clause], depth: int, env: Env, iterable: Any, elt: Eval) -> Iterator[Any]:
    clause = clauses[depth]
    last = depth + 1 == len(clauses)
    for item in iterable:
        clause.assign(env, item)
        if all(cond(env) for cond in clause.ifs):
            if last:
                yield elt(env)
            else:
                yield from _lazy(clauses, depth + 1, env, clauses[depth + 1].iter(env), elt)


def compile_comprehension(node: ir.Comprehension, compile_expr: CompileExpr) -> Eval:
    clauses = compile_clauses(node.generators, compile_expr)
    elt = compile_expr(node.elt)
    if node.kind == "gen":
        return _generator(clauses, elt)
    if node.kind == "dict":
        assert node.value is not None
        return _dict(clauses, elt, compile_expr(node.value))
    if node.kind == "set":
        return _collect(clauses, elt, set, "add")
    simple = _simple_list(node, clauses, elt)
    return simple or _collect(clauses, elt, list, "append")


def _generator(clauses: list[Clause], elt: Eval) -> Eval:
    def make(env: Env) -> Iterator[Any]:
        scope = env.copy()
        return _lazy(clauses, 0, scope, iter(clauses[0].iter(env)), elt)

    return make


def _collect(clauses: list[Clause], elt: Eval, kind: type, add: str) -> Eval:
    def build(env: Env) -> Any:
        out = kind()
        put = getattr(out, add)
        walk(clauses, env.copy(), lambda scope: put(elt(scope)))
        return out

    return build


def _dict(clauses: list[Clause], key: Eval, value: Eval) -> Eval:
    def build(env: Env) -> dict[Any, Any]:
        out: dict[Any, Any] = {}

        def put(scope: Env) -> None:
            out[key(scope)] = value(scope)

        walk(clauses, env.copy(), put)
        return out

    return build


def _simple_list(node: ir.Comprehension, clauses: list[Clause], elt: Eval) -> Eval | None:
    """`[f(x) for x in xs]` (one clause, a plain name, no condition): a single tight loop."""
    only = node.generators[0]
    if len(clauses) != 1 or only.ifs or not isinstance(only.target, ir.Name):
        return None
    name, source = only.target.id, clauses[0].iter

    def build(env: Env) -> list[Any]:
        scope = env.copy()
        out = []
        for item in source(env):
            scope[name] = item
            out.append(elt(scope))
        return out

    return build
