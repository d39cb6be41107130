"""Lowering `try ... except* E as eg:` onto plain `try/except` with CPython's semantics.

The body's exception (any) is kept in `_o`; `_r` holds what is left to match, `_x` what the
clauses raised. Each clause takes its part of what is left (`vocabulary.EXCEPT_STAR_SPLIT`: a
group split by the clause's classes, a naked exception wrapped in `ExceptionGroup("", (e,))`),
raises it (`EXCEPT_STAR_ENTER`) into an `except` whose body is the clause's, so that the part
is the exception being handled there, and keeps what the body raises with whether it was the
part re-raised by a bare `raise` (`_a`). Then `EXCEPT_STAR_LEAVE` raises what CPython lets out:
the re-raised and unmatched parts projected back onto the original group, with the new
exceptions in front of it in a new group. The `else` block runs when the body raised nothing;
a `finally` block is lowered around it all as for `try` (`lower.flow.with_finally`).

    _o = None                              if _o is not None:
    try:                                       _r = _o; _x = []
        body                                   _p, _r = `except_star.split`(_r, 'm:E')
    except:                                    if _p is not None:
        _o = _e                                    try: `except_star.enter`(_p)
                                                   except as eg:
                                                       _a = False
                                                       try: clause body
                                                       except as _e: _x.append((_e, _a and _e is _p))
                                               `except_star.leave`(_o, _x, _r)
                                           else: else body
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx, StarClause
from waymark_compiler.lower.dispatch import lower_body, statement
from waymark_compiler.lower.flow import guarded_body, with_finally
from waymark_compiler.lower.statements import exception_types
from waymark_runtime import ir
from waymark_runtime.vocabulary import EXCEPT_STAR_ENTER, EXCEPT_STAR_LEAVE, EXCEPT_STAR_SPLIT


@statement
def lower_TryStar(node: cst.TryStar, ctx: Ctx) -> list[ir.Stmt]:
    return with_finally(node, _try_star, ctx)


def _name(name: str, span: ir.Span) -> ir.Name:
    return ir.Name(id=name, span=span)


def _assign(name: str, value: ir.Expr, span: ir.Span) -> ir.Assign:
    return ir.Assign(targets=(_name(name, span),), value=value, span=span)


def _call(func: str, args: tuple[ir.Expr, ...], span: ir.Span) -> ir.Call:
    return ir.Call(func=func, args=args, kwargs=(), span=span)


def _is_not_none(name: str, span: ir.Span) -> ir.Compare:
    none = ir.Const(value=None, span=span)
    return ir.Compare(left=_name(name, span), ops=("is not",), comparators=(none,), span=span)


def _try_star(node: cst.TryStar, ctx: Ctx) -> list[ir.Stmt]:
    span = ctx.span(node)
    orig, caught, rest, raised = ctx.temp(), ctx.temp(), ctx.temp(), ctx.temp()
    body = guarded_body(node, ctx)
    keep = ir.Handler(
        types=(), name=caught, body=(_assign(orig, _name(caught, span), span),), span=span
    )
    handling: list[ir.Stmt] = [
        _assign(rest, _name(orig, span), span),
        _assign(raised, ir.ListExpr(elts=(), span=span), span),
    ]
    for handler in node.handlers:
        handling += _clause(handler, rest, raised, ctx)
    leave = _call(
        EXCEPT_STAR_LEAVE, (_name(orig, span), _name(raised, span), _name(rest, span)), span
    )
    handling.append(ir.ExprStmt(value=leave, span=span))
    orelse = lower_body(node.orelse.body, ctx) if node.orelse is not None else ()
    return [
        _assign(orig, ir.Const(value=None, span=span), span),
        ir.Try(body=body, handlers=(keep,), span=span),
        ir.If(test=_is_not_none(orig, span), body=tuple(handling), orelse=orelse, span=span),
    ]


def _clause(node: cst.ExceptStarHandler, rest: str, raised: str, ctx: Ctx) -> list[ir.Stmt]:
    span = ctx.span(node)
    types = exception_types(node.type, ctx)
    if not types:  # refused where the classes are
        return []
    part, again, error = ctx.temp(), ctx.temp(), ctx.temp()
    bound = node.name.name if node.name is not None else None
    name = bound.value if isinstance(bound, cst.Name) else None
    taken = ir.TupleExpr(elts=(_name(part, span), _name(rest, span)), span=span)
    classes = tuple(ir.Const(value=path, span=span) for path in types)
    split = _call(EXCEPT_STAR_SPLIT, (_name(rest, span), *classes), span)
    with ctx.handler():
        ctx.star_clauses.append(StarClause(again, ctx.handler_depth))
        try:
            body = lower_body(node.body, ctx)
        finally:
            ctx.star_clauses.pop()
    reraised = ir.BoolOp(
        op="and",
        values=(
            _name(again, span),
            ir.Compare(left=_name(error, span), ops=("is",), comparators=(_name(part, span),)),
        ),
        span=span,
    )
    pair = ir.TupleExpr(elts=(_name(error, span), reraised), span=span)
    append = ir.MethodCall(obj=_name(raised, span), method="append", args=(pair,), kwargs=())
    kept = ir.Handler(types=(), name=error, body=(ir.ExprStmt(value=append, span=span),), span=span)
    handled = (
        _assign(again, ir.Const(value=False, span=span), span),
        ir.Try(body=body, handlers=(kept,), span=span),
    )
    enter = ir.ExprStmt(value=_call(EXCEPT_STAR_ENTER, (_name(part, span),), span), span=span)
    entered = ir.Try(
        body=(enter,),
        handlers=(ir.Handler(types=(), name=name, body=handled, span=span),),
        span=span,
    )
    return [
        ir.Assign(targets=(taken,), value=split, span=span),
        ir.If(test=_is_not_none(part, span), body=(entered,), orelse=(), span=span),
    ]
