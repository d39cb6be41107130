"""Two spellings of a `gather` spread besides a comprehension written in place: a list of
calls built by the statement just before and read nowhere else (`pending_spread`), and
`*map(action, xs)` (`mapped_spread`)."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as matchers

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.resolve import ActionSym, ExternalSym, KnownSym
from waymark_runtime import ir


def pending_spread(item: cst.BaseStatement, following: cst.BaseStatement | None, ctx: Ctx) -> bool:
    """`tasks = [fetch(p) for p in pages]` whose only reader is the next statement's
    `asyncio.gather(*tasks)`: remembered (`ctx.spreads`) to be spread there, where Python
    would start the calls it made; the assignment itself lowers to nothing."""
    if not isinstance(item, cst.SimpleStatementLine) or len(item.body) != 1:
        return False
    small = item.body[0]
    if not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return False
    target, value = small.targets[0].target, small.value
    if not isinstance(target, cst.Name) or not isinstance(value, cst.ListComp | cst.GeneratorExp):
        return False
    if not isinstance(value.elt, cst.Call):
        return False
    if following is None or ctx.function.node is None:
        return False
    calls = [c for c in matchers.findall(following, matchers.Call()) if isinstance(c, cst.Call)]
    if not any(_spreads(call, target.value, ctx) for call in calls):
        return False
    if _reads(ctx.function.node.body, target.value) != 2:  # the assignment and the spread
        return False
    ctx.spreads[target.value] = value
    return True


def _spreads(call: cst.Call, name: str, ctx: Ctx) -> bool:
    """Is `call` an `asyncio.gather(..., *name, ...)`?"""
    spread = any(
        a.star == "*" and isinstance(a.value, cst.Name) and a.value.value == name for a in call.args
    )
    return spread and ctx.symbol(call.func) == KnownSym("gather")


def mapped_spread(node: cst.BaseExpression, ctx: Ctx) -> ir.Spread | None:
    """`*map(fetch, pages)` (or `*map(send, users, texts)`): one call of the action per item,
    as `*[fetch(p) for p in pages]`."""
    if not isinstance(node, cst.Call) or ctx.symbol(node.func) != ExternalSym("builtins.map"):
        return None
    args = node.args
    if len(args) < 2 or any(a.keyword is not None or a.star for a in args):
        return None
    action = ctx.symbol(args[0].value)
    if not isinstance(action, ActionSym):
        return None
    span = ctx.span(node)
    names = tuple(ir.Name(id=ctx.temp(), span=span) for _ in args[1:])
    sources = tuple(lower_expr(a.value, ctx) for a in args[1:])
    if len(sources) == 1:
        target: ir.Target = names[0]
        iterable = sources[0]
    else:
        target = ir.TupleExpr(elts=names, span=span)
        iterable = ir.Call(func="zip", args=sources, kwargs=(), span=span)
    generator = ir.Generator(target=target, iter=iterable, ifs=(), span=span)
    call = ir.ActionCall(action=action.path, args=names, kwargs=(), span=span)
    return ir.Spread(call=call, generators=(generator,), span=span)


def _reads(node: cst.CSTNode, name: str) -> int:
    """How often `name` appears in `node`."""
    return sum(1 for found in matchers.findall(node, matchers.Name(name)))
