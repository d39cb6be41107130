"""The arguments of a call: positional ones (with `*spread`) and keywords (`**mapping`)."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_runtime import ir

Arguments = tuple[tuple[ir.Expr, ...], tuple[ir.Keyword, ...]]


def lower_arguments(args: Sequence[cst.Arg], ctx: Ctx) -> Arguments:
    """Positional arguments (with `*spread`) and keywords (`**mapping` has no name)."""
    positional: list[ir.Expr] = []
    keywords: list[ir.Keyword] = []
    for arg in args:
        value = lower_expr(arg.value, ctx)
        if arg.star == "*":
            positional.append(ir.Starred(value=value, span=ctx.span(arg)))
        elif arg.star == "**" or arg.keyword is not None:
            name = arg.keyword.value if arg.keyword is not None else None
            keywords.append(ir.Keyword(name=name, value=value, span=ctx.span(arg)))
        else:
            positional.append(value)
    return tuple(positional), tuple(keywords)
