"""`random.Random(seed)`: a generator of pseudo-random numbers seeded by the workflow draws the
same numbers in every process (`interpreter.seeded_random`), so it is compiled as a call; one
without a seed seeds itself from the operating system and is refused (WM103)."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.rules.expressions import NONDETERMINISTIC_CALL
from waymark_runtime import ir

_HELP = (
    "give it a seed (`random.Random(order_id)` draws the same numbers in every run), or draw "
    "the numbers inside an action"
)


def seeded_random_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    seeds = [a for a in node.args if a.keyword is None or a.keyword.value == "x"]
    seeded = len(node.args) == len(seeds) == 1 and not seeds[0].star
    if not seeded or _is_none(seeds[0].value):
        message = f"`{ctx.code(node.func)}()` without a seed is random"
        return ctx.error(NONDETERMINISTIC_CALL, node, message, "not deterministic", _HELP)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.Call(func="random.Random", args=args, kwargs=kwargs, span=ctx.span(node))


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
