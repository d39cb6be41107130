"""Lowering pure expressions: literals, displays, operators, subscripts, `:=`, targets.

Every construct keeps CPython's meaning exactly; anything that cannot (an `await` inside an
expression, `lambda`, `:=`) is reported and replaced by a placeholder so the rest of the function
is still checked. Names live in `names`, calls in `calls`, strings in `strings`, comprehensions
in `comprehensions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Literal, TypeVar

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX, Ctx
from waymark_compiler.literals import BINARY, COMPARE, UNARY, number_value
from waymark_compiler.lower.class_locals import holds_class
from waymark_compiler.lower.constants import changed_table, constant_table
from waymark_compiler.lower.dispatch import Refused, expression, lower_expr, refuse_expressions
from waymark_compiler.lower.large import large_display
from waymark_compiler.lower.names import CHAIN, enum_lookup, is_special, special_attribute
from waymark_compiler.lower.self_state import self_target
from waymark_compiler.lower.type_checks import exact_type_test, names_classes
from waymark_compiler.rules.expressions import IDENTITY_COMPARISON, LAMBDA, UNSUPPORTED_LITERAL
from waymark_compiler.rules.names import RESERVED_NAME
from waymark_compiler.rules.operations import NESTED_AWAIT
from waymark_compiler.rules.statements import (
    ATTRIBUTE_ASSIGNMENT,
    UNSUPPORTED_STATEMENT,
    WALRUS,
    YIELD,
)
from waymark_compiler.rules.workflow import SELF_MUTATION
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import ENUM_MEMBERS, TYPE_OF

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# Literals and displays
# ---------------------------------------------------------------------------------------------


@expression
def lower_Integer(node: cst.Integer, ctx: Ctx) -> ir.Expr:
    return ir.Const(value=number_value(node), span=ctx.span(node))


@expression
def lower_Float(node: cst.Float, ctx: Ctx) -> ir.Expr:
    return ir.Const(value=number_value(node), span=ctx.span(node))


def _unsupported_literal(node: cst.CSTNode, ctx: Ctx, what: str) -> ir.Expr:
    help = "workflow values are JSON-shaped; produce this value inside an action"
    return ctx.error(
        UNSUPPORTED_LITERAL, node, f"{what} literals are not supported", "unsupported", help
    )


@expression
def lower_Imaginary(node: cst.Imaginary, ctx: Ctx) -> ir.Expr:
    return _unsupported_literal(node, ctx, "complex")


@expression
def lower_Ellipsis(node: cst.Ellipsis, ctx: Ctx) -> ir.Expr:
    return _unsupported_literal(node, ctx, "`...`")


def _element(element: cst.BaseElement, ctx: Ctx) -> ir.Expr:
    value = lower_expr(element.value, ctx)
    if isinstance(element, cst.StarredElement):
        return ir.Starred(value=value, span=ctx.span(element))
    return value


def _elements(elements: Sequence[cst.BaseElement], ctx: Ctx) -> tuple[ir.Expr, ...]:
    return tuple(_element(e, ctx) for e in elements)


@expression
def lower_List(node: cst.List, ctx: Ctx) -> ir.Expr:
    if (refused := large_display(node, ctx)) is not None:
        return refused
    return ir.ListExpr(elts=_elements(node.elements, ctx), span=ctx.span(node))


@expression
def lower_Tuple(node: cst.Tuple, ctx: Ctx) -> ir.Expr:
    if (refused := large_display(node, ctx)) is not None:
        return refused
    return ir.TupleExpr(elts=_elements(node.elements, ctx), span=ctx.span(node))


@expression
def lower_Set(node: cst.Set, ctx: Ctx) -> ir.Expr:
    if (refused := large_display(node, ctx)) is not None:
        return refused
    return ir.SetExpr(elts=_elements(node.elements, ctx), span=ctx.span(node))


@expression
def lower_Dict(node: cst.Dict, ctx: Ctx) -> ir.Expr:
    if (refused := large_display(node, ctx)) is not None:
        return refused
    keys: list[ir.Expr | None] = []
    values: list[ir.Expr] = []
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            keys.append(lower_expr(element.key, ctx))
        else:
            keys.append(None)
        values.append(lower_expr(element.value, ctx))
    return ir.DictExpr(keys=tuple(keys), values=tuple(values), span=ctx.span(node))


# ---------------------------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------------------------


def is_string_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString)


@expression
def lower_BinaryOperation(node: cst.BinaryOperation, ctx: Ctx) -> ir.Expr:
    op = BINARY[type(node.operator)]
    left, right = lower_expr(node.left, ctx), lower_expr(node.right, ctx)
    return ir.BinOp(op=op, left=left, right=right, span=ctx.span(node))


@expression
def lower_UnaryOperation(node: cst.UnaryOperation, ctx: Ctx) -> ir.Expr:
    operand = lower_expr(node.expression, ctx)
    return ir.UnaryOp(op=UNARY[type(node.operator)], operand=operand, span=ctx.span(node))


def _bool_operands(node: cst.BaseExpression, op: type[cst.CSTNode]) -> list[cst.BaseExpression]:
    """`a and b and c` as [a, b, c]: same-operator chains flatten (the value is the same)."""
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, op):
        return [*_bool_operands(node.left, op), *_bool_operands(node.right, op)]
    return [node]


@expression
def lower_BooleanOperation(node: cst.BooleanOperation, ctx: Ctx) -> ir.Expr:
    kind = type(node.operator)
    values = tuple(lower_expr(v, ctx) for v in _bool_operands(node, kind))
    op: Literal["and", "or"] = "and" if kind is cst.And else "or"
    return ir.BoolOp(op=op, values=values, span=ctx.span(node))


@expression
def lower_Comparison(node: cst.Comparison, ctx: Ctx) -> ir.Expr:
    if (exact := exact_type_test(node, ctx)) is not None:
        return exact  # `type(x) is T`
    ops = tuple(COMPARE[type(c.operator)] for c in node.comparisons)
    comparators = tuple(_operand(c.comparator, ctx) for c in node.comparisons)
    left = _operand(node.left, ctx)
    check_identity(node, left, ops, comparators, ctx)
    return ir.Compare(left=left, ops=ops, comparators=comparators, span=ctx.span(node))


def _operand(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """A compared value; a class named there (`kind is str`, `kind == Decimal`) is a class
    value, as `type(x)` is."""
    from waymark_compiler.lower.class_refs import type_ref  # (it lowers expressions)

    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    if isinstance(symbol, ClassSym) and symbol.kind == "enum":  # `x in Color`: its members
        return lower_expr(node, ctx)
    if names_classes(node, ctx):  # `str`, `(int, float)`, `NUMBERS`: class values
        return type_ref(node, ctx)
    return lower_expr(node, ctx)


def check_identity(
    node: cst.Comparison,
    left: ir.Expr,
    ops: Sequence[ir.CompareOperator],
    comparators: Sequence[ir.Expr],
    ctx: Ctx,
    first: int = 0,
) -> None:
    """WM149 for an `is` with a value whose identity CPython leaves undefined (a literal, an
    f-string, a number or text a builtin makes) and no singleton on the other side (a
    variable that only ever holds a class counts as one: `lower.class_locals`); between other
    values the runtime answers as CPython does or refuses (`interpreter.operators`). `left` is
    operand `first` of `node`'s chain."""
    nodes = (node.left, *(c.comparator for c in node.comparisons))[first : first + len(ops) + 1]
    for op, (a, b), (x, y) in zip(
        ops, pairwise((left, *comparators)), pairwise(nodes), strict=True
    ):
        if op not in ("is", "is not") or _singleton(a) or _singleton(b):
            continue
        if (table := constant_table(x, ctx) or constant_table(y, ctx)) is not None:
            _table_identity_error(node, op, table.qualname, ctx)
            continue
        if not (_immutable(a) or _immutable(b)):
            continue
        if not (holds_class(x, ctx) or holds_class(y, ctx)):
            _identity_error(node, op, ctx)


def _singleton(value: ir.Expr) -> bool:
    """`None`, `True`, `False`, enum members, classes and functions (actions, helpers): one
    object each, so `is` means `==`."""
    if isinstance(value, ir.Const):
        return value.value is None or isinstance(value.value, bool)
    if isinstance(value, ir.Call) and value.func in (TYPE_OF, ENUM_MEMBERS):
        return True  # `type(a) is type(b)`, `kind is Color`
    return isinstance(value, ir.EnumMember | ir.TypeRef | ir.ActionRef | ir.HelperRef)


_IMMUTABLE_RESULTS = frozenset(
    {"len", "str", "int", "float", "repr", "ascii", "format", "hash", "ord", "chr", "abs",
     "round", "hex", "oct", "bin", "divmod", "sum"}
)  # fmt: skip


def _immutable(value: ir.Expr) -> bool:
    """A value CPython may or may not share with an equal one: a literal (but `None`, `True`,
    `False`), an f-string, a tuple display, a builtin's number or text."""
    if isinstance(value, ir.Const | ir.FString | ir.TupleExpr):
        return True
    return isinstance(value, ir.Call) and value.func in _IMMUTABLE_RESULTS


def _identity_error(node: cst.Comparison, op: str, ctx: Ctx) -> None:
    equal = "==" if op == "is" else "!="
    ctx.error(
        IDENTITY_COMPARISON,
        node,
        f"`{op}` with a value whose identity Python leaves undefined",
        "identity of values",
        f"compare values with `{equal}`; `{op}` is for `None`, `True`, `False`, enum members, "
        "classes, functions, and objects a workflow holds (lists, dicts, sets, instances)",
    )


def _table_identity_error(node: cst.Comparison, op: str, table: str, ctx: Ctx) -> None:
    name, equal = table.rpartition(".")[2], "==" if op == "is" else "!="
    ctx.error(
        IDENTITY_COMPARISON,
        node,
        f"`{op}` with module-level table `{name}`, which a workflow reads as a fresh copy",
        "identity of a table",
        f"compare values with `{equal}`, or keep the object in a local variable and compare that",
    )


@expression
def lower_IfExp(node: cst.IfExp, ctx: Ctx) -> ir.Expr:
    test, body = lower_expr(node.test, ctx), lower_expr(node.body, ctx)
    orelse = lower_expr(node.orelse, ctx)
    return ir.IfExp(test=test, body=body, orelse=orelse, span=ctx.span(node))


# ---------------------------------------------------------------------------------------------
# Subscripts
# ---------------------------------------------------------------------------------------------


def _index(element: cst.SubscriptElement, ctx: Ctx, alone: bool) -> ir.Expr:
    part = element.slice
    if isinstance(part, cst.Slice):
        if not alone:
            return ctx.error(
                UNSUPPORTED_STATEMENT, part, "slices inside a tuple index", "unsupported"
            )
        bound = [None if b is None else lower_expr(b, ctx) for b in (part.lower, part.upper)]
        step = None if part.step is None else lower_expr(part.step, ctx)
        return ir.Slice(lower=bound[0], upper=bound[1], step=step, span=ctx.span(part))
    if isinstance(part, cst.Index) and part.star is not None:
        return ctx.error(UNSUPPORTED_STATEMENT, part, "starred index", "unsupported")
    assert isinstance(part, cst.Index)
    return lower_expr(part.value, ctx)


@expression
def lower_Subscript(node: cst.Subscript, ctx: Ctx) -> ir.Expr:
    enum = ctx.symbol(node.value) if isinstance(node.value, cst.Name | cst.Attribute) else None
    if isinstance(enum, ClassSym) and enum.kind == "enum" and len(node.slice) == 1:
        return enum_lookup(enum, _index(node.slice[0], ctx, alone=True), ctx.span(node))
    value = lower_expr(node.value, ctx)
    if len(node.slice) == 1:
        index = _index(node.slice[0], ctx, alone=True)
    else:
        parts = tuple(_index(e, ctx, alone=False) for e in node.slice)
        index = ir.TupleExpr(elts=parts, span=ctx.span(node))
    return ir.Subscript(value=value, index=index, span=ctx.span(node))


@expression
def lower_NamedExpr(node: cst.NamedExpr, ctx: Ctx) -> ir.Expr:
    """`(name := value)` binds a variable of the function, from a comprehension too (PEP 572);
    in a `key=` lambda it would bind the lambda's own, which the runtime does not do."""
    if ctx.lambdas or not isinstance(node.target, cst.Name):
        help = "assign on its own line first, outside the lambda"
        message = "assignment expression `:=` inside a lambda"
        return ctx.error(WALRUS, node, message, "walrus", help)
    value = lower_expr(node.value, ctx)
    target = _target_name(node.target, ctx)
    return ir.NamedExpr(target=target, value=value, span=ctx.span(node))


# ---------------------------------------------------------------------------------------------
# Refused expressions
# ---------------------------------------------------------------------------------------------


refuse_expressions(
    {
        cst.Lambda: Refused(
            LAMBDA,
            "`lambda` in a workflow",
            "a lambda is not a value",
            "compute the value with a comprehension, a helper method or an action",
        ),
        cst.Yield: Refused(
            YIELD,
            "`yield` in `run()` or an async helper",
            "not a generator",
            "yield in a synchronous helper, or collect the values in a list",
        ),
        cst.Await: Refused(
            NESTED_AWAIT,
            "`await` inside an expression",
            "nested await",
            "await on its own line into a name (`value = await ...`), then use the name",
        ),
    }
)


# ---------------------------------------------------------------------------------------------
# Assignment targets
# ---------------------------------------------------------------------------------------------


def lower_target(node: cst.BaseExpression, ctx: Ctx) -> ir.Target:
    """An assignment target: a name, a (nested, starred) tuple, or `container[index]`."""
    if isinstance(node, cst.Name):
        return _target_name(node, ctx)
    if isinstance(node, cst.Tuple | cst.List):
        large_display(node, ctx)
        parts = tuple(_target_element(e, ctx) for e in node.elements)
        return ir.TupleExpr(elts=parts, span=ctx.span(node))
    if isinstance(node, cst.Subscript | cst.Attribute) and (
        (table := constant_table(node, ctx)) is not None
    ):
        changed_table(node, table, ctx)
        return ir.Name(id=TEMP_PREFIX, span=ctx.span(node))
    if isinstance(node, cst.Subscript):
        subscript = lower_Subscript(node, ctx)
        assert isinstance(subscript, ir.Subscript)
        return subscript
    if isinstance(node, cst.Attribute):
        return _attribute_target(node, ctx)
    ctx.error(UNSUPPORTED_STATEMENT, node, "unsupported assignment target", "cannot assign here")
    return ir.Name(id=TEMP_PREFIX, span=ctx.span(node))


def _target_element(element: cst.BaseElement, ctx: Ctx) -> ir.Target:
    if isinstance(element, cst.StarredElement):
        return ir.Starred(value=lower_target(element.value, ctx), span=ctx.span(element))
    return lower_target(element.value, ctx)


def _target_name(node: cst.Name, ctx: Ctx) -> ir.Name:
    if node.value.startswith(TEMP_PREFIX) and node.value not in ctx.source.hidden:
        help = f"rename it: names starting with `{TEMP_PREFIX}` are reserved for the compiler"
        ctx.error(RESERVED_NAME, node, f"reserved name `{node.value}`", "reserved", help)
    elif ctx.is_self(node):
        help = "use another name for the local variable"
        ctx.error(SELF_MUTATION, node, "assignment to `self`", "rebinds self", help)
    return ir.Name(id=node.value, span=ctx.span(node))


def _attribute_target(node: cst.Attribute, ctx: Ctx) -> ir.Target:
    """`value.attr = ...` on a value the body holds, `self.x = ...` on the instance's workflow
    object; globals (`Order.x`) are refused."""
    if ctx.is_self(node.value):
        return self_target(node, ctx)
    elif ctx.symbol(node.value) is not None:
        help = "keep the value in a local variable, or pass it as an input"
        message = (
            f"assignment to attribute `{ctx.code(node)}` of module-level `{ctx.code(node.value)}`"
        )
        ctx.error(ATTRIBUTE_ASSIGNMENT, node, message, "shared by every instance", help)
    elif is_special(node.attr.value) or node.attr.value in CHAIN:
        special_attribute(node, node.value, node.attr.value, "assignment to", ctx)
    else:
        value = lower_expr(node.value, ctx)
        return ir.Attribute(value=value, attr=node.attr.value, span=ctx.span(node))
    return ir.Name(id=TEMP_PREFIX, span=ctx.span(node))
