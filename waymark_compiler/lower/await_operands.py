"""The operands CPython evaluates, in its order, around an `await` inside an expression.

`awaits` reads these to know what to capture into temporaries before an await runs: the two
sides of a binary operation, a call's receiver and arguments, an f-string's expressions, and
what an awaited operation (an action call, `asyncio.gather`, `self.run_action`, ...) evaluates
before it suspends.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower import signals
from waymark_compiler.lower.computed import is_computed
from waymark_compiler.lower.log import is_logger
from waymark_compiler.lower.waits import is_wait
from waymark_compiler.symbols import ActionSym, FunctionSym, KnownSym

Star = Literal["", "*", "**"]


@dataclass(frozen=True, slots=True)
class Operand:
    node: cst.BaseExpression
    star: Star = ""


def expression_operands(node: cst.BaseExpression, ctx: Ctx) -> list[Operand]:
    if isinstance(node, cst.BinaryOperation):
        return [Operand(node.left), Operand(node.right)]
    if isinstance(node, cst.UnaryOperation):
        return [Operand(node.expression)]
    if isinstance(node, cst.Comparison):
        return [Operand(node.left), Operand(node.comparisons[0].comparator)]
    if isinstance(node, cst.Attribute):
        return [Operand(node.value)]
    if isinstance(node, cst.Subscript):
        return [Operand(node.value), *_slice_operands(node.slice)]
    if isinstance(node, cst.Call):
        return _call_operands(node, ctx)
    if isinstance(node, cst.List | cst.Tuple | cst.Set):
        return [_element(e) for e in node.elements]
    if isinstance(node, cst.Dict):
        return _dict_operands(node)
    if isinstance(node, cst.FormattedString):
        return [Operand(e) for e in _fstring_expressions(node)]
    if isinstance(node, cst.ConcatenatedString):
        return [Operand(node.left), Operand(node.right)]
    if isinstance(node, cst.NamedExpr):
        return [Operand(node.value)]
    return []


def _element(element: cst.BaseElement) -> Operand:
    return Operand(element.value, "*" if isinstance(element, cst.StarredElement) else "")


def _dict_operands(node: cst.Dict) -> list[Operand]:
    out: list[Operand] = []
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            out += [Operand(element.key), Operand(element.value)]
        else:
            out.append(Operand(element.value, "**"))
    return out


def _slice_operands(elements: Sequence[cst.SubscriptElement]) -> list[Operand]:
    out: list[Operand] = []
    for element in elements:
        part = element.slice
        if isinstance(part, cst.Index):
            out.append(Operand(part.value))
        elif isinstance(part, cst.Slice):
            out += [Operand(b) for b in (part.lower, part.upper, part.step) if b is not None]
    return out


def _fstring_expressions(node: cst.FormattedString) -> Iterator[cst.BaseExpression]:
    for part in node.parts:
        if isinstance(part, cst.FormattedStringExpression):
            yield part.expression
            if part.format_spec is not None:
                for inner in part.format_spec:
                    if isinstance(inner, cst.FormattedStringExpression):
                        yield inner.expression


def _arguments(args: Sequence[cst.Arg]) -> list[Operand]:
    return [
        Operand(a.value, "*" if a.star == "*" else "**" if a.star == "**" else "") for a in args
    ]


def _call_operands(node: cst.Call, ctx: Ctx) -> list[Operand]:
    """A method of a value reads its receiver first; a known function is not a value."""
    func = node.func
    receiver: list[Operand] = []
    if (
        isinstance(func, cst.Attribute)
        and not ctx.is_self(func.value)
        and not is_logger(func.value, ctx)
        and ctx.symbol(func) is None
    ):
        receiver = [Operand(func.value)]
    return [*receiver, *_arguments(node.args)]


def operation_operands(node: cst.BaseExpression, ctx: Ctx) -> list[Operand]:
    """The values an awaited operation evaluates before it suspends, in order."""
    if not isinstance(node, cst.Call):
        return []
    func = node.func
    if isinstance(func, cst.Attribute) and ctx.is_self(func.value):
        if func.attr.value == "run_action":
            inner = next((a.value for a in node.args if a.keyword is None), None)
            return operation_operands(inner, ctx) if isinstance(inner, cst.Call) else []
        if func.attr.value == "wait_for_signal":
            return [Operand(value) for value in signals.operands(node)]
        return _arguments(node.args)
    symbol = ctx.symbol(func)
    if isinstance(symbol, ActionSym | FunctionSym) or symbol == KnownSym("sleep"):
        return _arguments(node.args)
    if is_computed(func, ctx):  # the callee first, as Python reads `f(x)`
        return [Operand(func), *_arguments(node.args)]
    if symbol == KnownSym("wait_for"):
        inner = next(
            (a.value for a in node.args if a.keyword is None or a.keyword.value == "fut"), None
        )
        if isinstance(inner, cst.Call) and ctx.symbol(inner.func) == KnownSym("gather"):
            return operation_operands(inner, ctx)  # `wait_for(gather(...), t)`: the items'
        return _arguments(inner.args) if isinstance(inner, cst.Call) else []
    if is_wait(node, ctx):
        return _arguments(node.args)
    if symbol == KnownSym("gather"):
        out: list[Operand] = []
        for arg in node.args:
            if arg.keyword is None and not arg.star:
                out += operation_operands(arg.value, ctx)
            elif arg.star == "*" and isinstance(arg.value, cst.ListComp | cst.GeneratorExp):
                out.append(Operand(arg.value.for_in.iter))
        return out
    return []
