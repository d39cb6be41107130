"""Literals and operators: libcst operator nodes to IR operator strings, literal expressions to IR,
and compile-time evaluation of constant expressions (for policies, which must be constants).

No name resolution happens here: a literal is made of numbers, strings, True/False/None,
operators and tuples only.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

import libcst as cst

from waymark_compiler.shapes import (
    is_duration_literal,
    is_pattern_literal,
    is_translation_literal,
    moment_literal,
    pattern_flags,
    value_literal,
)
from waymark_runtime import ir
from waymark_runtime.vocabulary import DURATION

TRANSLATION = "builtins.str.maketrans"  # `STANDARD_FUNCTIONS`: a table built on each read

Inner = Callable[[cst.BaseExpression, ir.Span], ir.Expr]

BINARY: dict[type[cst.CSTNode], ir.BinOperator] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.Divide: "/",
    cst.FloorDivide: "//",
    cst.Modulo: "%",
    cst.Power: "**",
    cst.BitAnd: "&",
    cst.BitOr: "|",
    cst.BitXor: "^",
    cst.LeftShift: "<<",
    cst.RightShift: ">>",
    cst.MatrixMultiply: "@",
}

AUGMENTED: dict[type[cst.CSTNode], ir.BinOperator] = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//",
    cst.ModuloAssign: "%",
    cst.PowerAssign: "**",
    cst.BitAndAssign: "&",
    cst.BitOrAssign: "|",
    cst.BitXorAssign: "^",
    cst.LeftShiftAssign: "<<",
    cst.RightShiftAssign: ">>",
    cst.MatrixMultiplyAssign: "@",
}

UNARY: dict[type[cst.CSTNode], ir.UnaryOperator] = {
    cst.Minus: "-",
    cst.Plus: "+",
    cst.Not: "not",
    cst.BitInvert: "~",
}

COMPARE: dict[type[cst.CSTNode], ir.CompareOperator] = {
    cst.Equal: "==",
    cst.NotEqual: "!=",
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
    cst.In: "in",
    cst.NotIn: "not in",
    cst.Is: "is",
    cst.IsNot: "is not",
}

NAMED_CONSTANTS: dict[str, ir.ConstValue] = {"True": True, "False": False, "None": None}


class NotConstant(Exception):
    """The expression is not a compile-time constant (the node says where)."""

    def __init__(self, node: cst.CSTNode) -> None:
        super().__init__(type(node).__name__)
        self.node = node


def string_value(node: cst.SimpleString) -> str | bytes:
    value = ast.literal_eval(node.value)
    assert isinstance(value, str | bytes)
    return value


def number_value(node: cst.Integer | cst.Float) -> int | float:
    text = node.value
    if text.isascii() and text.isdigit():  # the common case, without parsing
        return int(text)
    value = ast.literal_eval(text)
    assert isinstance(value, int | float)
    return value


def literal(
    node: cst.BaseExpression,
    span: ir.Span,
    members: Mapping[int, tuple[str, str]] | None = None,
    functions: Mapping[int, ir.Expr] | None = None,
    objects: Mapping[int, str] | None = None,
) -> ir.Expr:
    """A constant literal (see `shapes.is_constant_literal`), or a table of them (a dict,
    list or set, `resolve.ConstSym.table`), as IR, every node at `span`; `members`: the enum
    members among them, by node id (`resolve.ConstSym.members`); `functions`: the values of
    the actions and functions among them, by node id (of `resolve.ConstSym.functions`);
    `objects`: the value objects among them (`resolve.ConstSym.objects`)."""
    if members and id(node) in members:
        path, member = members[id(node)]
        return ir.EnumMember(type=path, member=member, span=span)
    if functions and id(node) in functions:
        return functions[id(node)]

    def inner(item: cst.BaseExpression, at: ir.Span) -> ir.Expr:
        return literal(item, at, members, functions, objects)

    if objects and id(node) in objects and isinstance(node, cst.Call):  # `Stage(10, ...)`
        args, kwargs = _arguments(node, inner, span)
        return ir.New(type=objects[id(node)], args=args, kwargs=kwargs, span=span)
    return _literal(node, span, inner)


def _literal(node: cst.BaseExpression, span: ir.Span, inner: Inner) -> ir.Expr:
    """`literal` of `node`, its parts lowered by `inner`."""
    if isinstance(node, cst.Integer | cst.Float):
        return ir.Const(value=number_value(node), span=span)
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        return ir.Const(value=_joined(node), span=span)
    if isinstance(node, cst.Name) and node.value in NAMED_CONSTANTS:
        return ir.Const(value=NAMED_CONSTANTS[node.value], span=span)
    if isinstance(node, cst.UnaryOperation):
        operand = inner(node.expression, span)
        return ir.UnaryOp(op=UNARY[type(node.operator)], operand=operand, span=span)
    if isinstance(node, cst.BinaryOperation):
        left, right = inner(node.left, span), inner(node.right, span)
        return ir.BinOp(op=BINARY[type(node.operator)], left=left, right=right, span=span)
    if isinstance(node, cst.Tuple):
        return ir.TupleExpr(elts=tuple(inner(e.value, span) for e in node.elements), span=span)
    if isinstance(node, cst.List | cst.Set):  # a table (`resolve.ConstSym.table`)
        elts = tuple(inner(e.value, span) for e in node.elements)
        if isinstance(node, cst.List):
            return ir.ListExpr(elts=elts, span=span)
        return ir.SetExpr(elts=elts, span=span)
    if isinstance(node, cst.Dict):
        pairs = [e for e in node.elements if isinstance(e, cst.DictElement)]
        keys = tuple(inner(e.key, span) for e in pairs)
        values = tuple(inner(e.value, span) for e in pairs)
        return ir.DictExpr(keys=keys, values=values, span=span)
    if isinstance(node, cst.Call) and _is_named(node.func, "frozenset"):  # `frozenset({...})`
        items = node.args[0].value if node.args else None
        if items is None:
            return ir.Call(func="frozenset", args=(), kwargs=(), span=span)
        if isinstance(items, cst.Tuple | cst.List | cst.Set):
            elts = tuple(inner(e.value, span) for e in items.elements)
            return ir.Call(
                func="frozenset", args=(ir.TupleExpr(elts=elts, span=span),), kwargs=(), span=span
            )
    # `timedelta(minutes=5)`, `timedelta(seconds=BASE * 60)`: its arguments checked when the
    # constant was found, lowered by `inner`
    if isinstance(node, cst.Call) and is_duration_literal(node, lambda _: True):
        return _called(DURATION, node, inner, span)
    if isinstance(node, cst.Call) and (func := moment_literal(node)) is not None:
        return _called(func, node, inner, span)  # `date(2024, 12, 25)`
    if isinstance(node, cst.Call) and is_pattern_literal(node):  # `re.compile(r"\d+", re.I)`
        flags = [pattern_flags(a.value) or 0 for a in node.args[1:]]
        args = (inner(node.args[0].value, span), ir.Const(value=sum(flags), span=span))
        return ir.Call(func="re.compile", args=args, kwargs=(), span=span)
    if isinstance(node, cst.Call) and is_translation_literal(node):  # `str.maketrans({...})`
        return _called(TRANSLATION, node, inner, span)
    if isinstance(node, cst.Call) and (func := value_literal(node)) is not None:
        # `Decimal("0.01")`, `UUID("...")` (`shapes.value_literal`)
        value = inner(node.args[0].value, span)
        return ir.Call(func=func, args=(value,), kwargs=(), span=span)
    raise NotConstant(node)


def _called(func: str, node: cst.Call, inner: Inner, span: ir.Span) -> ir.Expr:
    args, kwargs = _arguments(node, inner, span)
    return ir.Call(func=func, args=args, kwargs=kwargs, span=span)


def _arguments(
    node: cst.Call, inner: Inner, span: ir.Span
) -> tuple[tuple[ir.Expr, ...], tuple[ir.Keyword, ...]]:
    args = tuple(inner(a.value, span) for a in node.args if a.keyword is None)
    kwargs = tuple(
        ir.Keyword(name=a.keyword.value, value=inner(a.value, span), span=span)
        for a in node.args
        if a.keyword is not None
    )
    return args, kwargs


def _joined(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.ConcatenatedString):
        return _joined(node.left) + _joined(node.right)
    if isinstance(node, cst.SimpleString):
        value = string_value(node)
        if isinstance(value, str):
            return value
    raise NotConstant(node)


_EVAL_BINARY: dict[ir.BinOperator, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}
_EVAL_UNARY: dict[ir.UnaryOperator, Callable[[Any], Any]] = {
    "-": operator.neg,
    "+": operator.pos,
    "not": operator.not_,
}


def evaluate(expr: ir.Expr) -> Any:
    """The value of a constant IR expression (numbers, strings, tuples, arithmetic)."""
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.TupleExpr):
        return tuple(evaluate(e) for e in expr.elts)
    if isinstance(expr, ir.UnaryOp) and expr.op in _EVAL_UNARY:
        return _EVAL_UNARY[expr.op](evaluate(expr.operand))
    if isinstance(expr, ir.BinOp) and expr.op in _EVAL_BINARY:
        left, right = evaluate(expr.left), evaluate(expr.right)
        if expr.op == "**" and abs(right) > 64:
            raise ValueError("exponent too large for a constant")
        return _EVAL_BINARY[expr.op](left, right)
    raise ValueError(f"not a constant: {type(expr).__name__}")


def _is_named(node: cst.BaseExpression, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name
