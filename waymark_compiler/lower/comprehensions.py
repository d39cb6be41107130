"""Lowering comprehensions: list, set and dict comprehensions and generator expressions, whose
first iterable is evaluated in the enclosing scope and whose loop targets are their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import expression, lower_expr
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.namespace import target_names
from waymark_compiler.rules.statements import ASYNC_FOR
from waymark_runtime import ir

T = TypeVar("T")


def comprehension_fors(for_in: cst.CompFor) -> list[cst.CompFor]:
    chain = [for_in]
    while chain[-1].inner_for_in is not None:
        inner = chain[-1].inner_for_in
        assert inner is not None
        chain.append(inner)
    return chain


def comprehension_scope(
    for_in: cst.CompFor, ctx: Ctx, body: Callable[[], T]
) -> tuple[tuple[ir.Generator, ...], T]:
    """The generators of a comprehension and `body()` lowered inside its scope.

    As in Python, the first iterable is evaluated in the enclosing scope; the loop targets are
    local to the comprehension.
    """
    fors = comprehension_fors(for_in)
    for clause in fors:
        if clause.asynchronous is not None:
            help = "fetch the values with an action first, then use a plain comprehension"
            ctx.error(ASYNC_FOR, clause, "`async for` in a comprehension", "asynchronous", help)
    names = {name for clause in fors for name in target_names(clause.target)}
    first = lower_expr(fors[0].iter, ctx)
    with ctx.comprehension(names):
        generators = tuple(
            _generator(c, first if i == 0 else None, ctx) for i, c in enumerate(fors)
        )
        return generators, body()


def _generator(clause: cst.CompFor, iterable: ir.Expr | None, ctx: Ctx) -> ir.Generator:
    target = lower_target(clause.target, ctx)
    source = iterable if iterable is not None else lower_expr(clause.iter, ctx)
    ifs = tuple(lower_expr(c.test, ctx) for c in clause.ifs)
    return ir.Generator(target=target, iter=source, ifs=ifs, span=ctx.span(clause))


def _comprehension(
    node: cst.ListComp | cst.SetComp | cst.GeneratorExp,
    kind: Literal["list", "set", "gen"],
    ctx: Ctx,
) -> ir.Expr:
    generators, elt = comprehension_scope(node.for_in, ctx, lambda: lower_expr(node.elt, ctx))
    return ir.Comprehension(
        kind=kind, elt=elt, value=None, generators=generators, span=ctx.span(node)
    )


@expression
def lower_ListComp(node: cst.ListComp, ctx: Ctx) -> ir.Expr:
    return _comprehension(node, "list", ctx)


@expression
def lower_SetComp(node: cst.SetComp, ctx: Ctx) -> ir.Expr:
    return _comprehension(node, "set", ctx)


@expression
def lower_GeneratorExp(node: cst.GeneratorExp, ctx: Ctx) -> ir.Expr:
    return _comprehension(node, "gen", ctx)


@expression
def lower_DictComp(node: cst.DictComp, ctx: Ctx) -> ir.Expr:
    def entry() -> tuple[ir.Expr, ir.Expr]:
        return lower_expr(node.key, ctx), lower_expr(node.value, ctx)

    generators, (key, value) = comprehension_scope(node.for_in, ctx, entry)
    return ir.Comprehension(
        kind="dict", elt=key, value=value, generators=generators, span=ctx.span(node)
    )
