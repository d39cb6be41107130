"""A list, set or dict comprehension with awaits inside (`[await fetch(p) for p in pages]`),
lowered to the loop CPython runs: one item at a time, each await finishing before the next
item starts, into a temporary that stands for the comprehension afterwards.

The loop variables become temporaries too, so that, as in Python, they do not leak into the
function; the first iterable is evaluated in the function, the rest inside the loop, and
each `if` only when the ones before it held. A generator expression with an await is an
async generator in Python, which `sum()`, `list()` and the like cannot iterate: refused. A
lambda or comprehension inside that binds one of the loop variables again keeps its own
(`[await f(h) for h in sorted(hs, key=lambda h: h.rank)]`): the renaming stops at its scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.comprehensions import comprehension_fors
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.namespace import target_names
from waymark_compiler.walk import parts
from waymark_runtime import ir

Hoist = Callable[[cst.BaseExpression, Ctx], list[ir.Stmt]]
Comprehension = cst.ListComp | cst.SetComp | cst.DictComp
Inner = cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp
_INNER = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def awaited_comprehension(node: Comprehension, hoist: Hoist, ctx: Ctx) -> list[ir.Stmt]:
    """The loop, with `ctx.replaced` mapping `node` to its result."""
    fors = comprehension_fors(node.for_in)
    names = {name for clause in fors for name in target_names(clause.target)}
    span = ctx.span(node)
    renamed = {name: ctx.temp() for name in sorted(names)}
    reads = (found for child in parts(node) for found in _reads(child, names, node.for_in.iter))
    for found in reads:
        ctx.replaced[id(found)] = ir.Name(id=renamed[found.value], span=ctx.span(found))
    result = ir.Name(id=ctx.temp(), span=span)
    empty: ir.Expr
    if isinstance(node, cst.DictComp):
        empty = ir.DictExpr(keys=(), values=(), span=span)
    elif isinstance(node, cst.SetComp):
        empty = ir.Call(func="set", args=(), kwargs=(), span=span)
    else:
        empty = ir.ListExpr(elts=(), span=span)
    out: list[ir.Stmt] = [ir.Assign(targets=(result,), value=empty, span=span)]
    with ctx.comprehension(renamed.values()):
        out += _loop(node, fors, 0, result, renamed, hoist, ctx)
    ctx.replaced[id(node)] = result
    return out


def _loop(
    node: Comprehension,
    fors: list[cst.CompFor],
    depth: int,
    result: ir.Name,
    renamed: dict[str, str],
    hoist: Hoist,
    ctx: Ctx,
) -> list[ir.Stmt]:
    """`for` clause `depth` and everything inside it; the first iterable was hoisted in the
    function already."""
    clause = fors[depth]
    out = [] if depth == 0 else hoist(clause.iter, ctx)
    iterable = lower_expr(clause.iter, ctx)
    body = _tests(node, fors, depth, list(clause.ifs), result, renamed, hoist, ctx)
    target = _target(clause.target, renamed, ctx)
    out.append(ir.For(target=target, iter=iterable, body=tuple(body), span=ctx.span(clause)))
    return out


def _tests(
    node: Comprehension,
    fors: list[cst.CompFor],
    depth: int,
    ifs: list[cst.CompIf],
    result: ir.Name,
    renamed: dict[str, str],
    hoist: Hoist,
    ctx: Ctx,
) -> list[ir.Stmt]:
    if ifs:
        test, rest = ifs[0], ifs[1:]
        out = hoist(test.test, ctx)
        inner = _tests(node, fors, depth, rest, result, renamed, hoist, ctx)
        condition = lower_expr(test.test, ctx)
        out.append(ir.If(test=condition, body=tuple(inner), orelse=(), span=ctx.span(test)))
        return out
    if depth + 1 < len(fors):
        return _loop(node, fors, depth + 1, result, renamed, hoist, ctx)
    return _add(node, result, hoist, ctx)


def _add(node: Comprehension, result: ir.Name, hoist: Hoist, ctx: Ctx) -> list[ir.Stmt]:
    """One item into the result: `append`, `add`, or `result[key] = value` (the key first)."""
    span = ctx.span(node)
    if isinstance(node, cst.DictComp):
        out = hoist(node.key, ctx)
        key = lower_expr(node.key, ctx)
        if any(True for _ in _awaits(node.value)):
            kept = ir.Name(id=ctx.temp(), span=span)
            out.append(ir.Assign(targets=(kept,), value=key, span=span))
            key = kept
        out += hoist(node.value, ctx)
        slot = ir.Subscript(value=result, index=key, span=span)
        out.append(ir.Assign(targets=(slot,), value=lower_expr(node.value, ctx), span=span))
        return out
    out = hoist(node.elt, ctx)
    method = "add" if isinstance(node, cst.SetComp) else "append"
    call = ir.MethodCall(
        obj=result, method=method, args=(lower_expr(node.elt, ctx),), kwargs=(), span=span
    )
    out.append(ir.ExprStmt(value=call, span=span))
    return out


def _target(node: cst.BaseExpression, renamed: dict[str, str], ctx: Ctx) -> ir.Target:
    span = ctx.span(node)
    if isinstance(node, cst.Name):
        return ir.Name(id=renamed[node.value], span=span)
    assert isinstance(node, cst.Tuple | cst.List)  # what `target_names` reads
    parts = tuple(
        ir.Starred(value=_target(e.value, renamed, ctx), span=ctx.span(e))
        if isinstance(e, cst.StarredElement)
        else _target(e.value, renamed, ctx)
        for e in node.elements
    )
    return ir.TupleExpr(elts=parts, span=span)


def _reads(node: cst.CSTNode, names: set[str], first: cst.CSTNode) -> Iterator[cst.Name]:
    """The names of `names` read inside the comprehension, not in its `first` iterable (read
    in the function); its targets are lowered apart. A lambda or comprehension inside that
    binds one of them again has its own variable there, as in Python: those reads are its."""
    if node is first or not names:
        return
    if isinstance(node, cst.Name):
        if node.value in names:
            yield node
    elif isinstance(node, cst.Attribute | cst.Arg):  # not `x.name` nor `f(name=...)`
        yield from _reads(node.value, names, first)
    elif isinstance(node, cst.Lambda):
        yield from _lambda_reads(node, names, first)
    elif isinstance(node, _INNER):
        yield from _inner_reads(node, names, first)
    else:
        for child in parts(node):
            yield from _reads(child, names, first)


def _lambda_reads(node: cst.Lambda, names: set[str], first: cst.CSTNode) -> Iterator[cst.Name]:
    """Defaults are read where the lambda is made; the body sees its parameters."""
    params = node.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    for param in every:
        if param.default is not None:
            yield from _reads(param.default, names, first)
    yield from _reads(node.body, names - {p.name.value for p in every}, first)


def _inner_reads(node: Inner, names: set[str], first: cst.CSTNode) -> Iterator[cst.Name]:
    """An inner comprehension: its first iterable is read outside it; each `for` binds its
    targets for the clauses after it and for the item."""
    visible = set(names)
    for index, clause in enumerate(comprehension_fors(node.for_in)):
        yield from _reads(clause.iter, visible if index else names, first)
        visible -= set(target_names(clause.target))
        for test in clause.ifs:
            yield from _reads(test.test, visible, first)
    items = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
    for item in items:
        yield from _reads(item, visible, first)


def _awaits(node: cst.CSTNode) -> Iterator[cst.Await]:
    if isinstance(node, cst.Await):
        yield node
    for child in parts(node):
        yield from _awaits(child)
