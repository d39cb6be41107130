"""`type(x) is T`, `type(x) == T`, `type(x) in (T, U)` and their negations: a test of the
exact class of a value (not `isinstance`'s subclasses), `T` a class the compiler resolves, as
for `isinstance`. Compared with anything else, `type(x)` is a class value (`calls.type_call`)."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.literals import COMPARE
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.names import type_of
from waymark_compiler.symbols import VariableSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import TYPE_IS

_TESTS = {"is": False, "==": False, "in": False, "is not": True, "!=": True, "not in": True}


def exact_type_test(node: cst.Comparison, ctx: Ctx) -> ir.Expr | None:
    """The test, when `node` compares `type(x)` with a class (or `in` a tuple of classes)."""
    if len(node.comparisons) != 1:
        return None
    (comparison,) = node.comparisons
    op = COMPARE[type(comparison.operator)]
    subject = type_of(node.left, ctx)
    if op not in _TESTS or subject is None:
        return None
    classes = comparison.comparator
    if not names_classes(classes, ctx):  # `type(a) is type(b)`: two class values compared
        return None
    if (
        op in ("in", "not in")
        and not isinstance(classes, cst.Tuple)
        and not _class_tuple(classes, ctx)
    ):
        return None
    from waymark_compiler.lower.class_refs import type_ref  # (it lowers expressions)

    span = ctx.span(node)
    test: ir.Expr = ir.Call(
        func=TYPE_IS, args=(lower_expr(subject, ctx), type_ref(classes, ctx)), kwargs=(), span=span
    )
    if _TESTS[op]:
        test = ir.UnaryOp(op="not", operand=test, span=span)
    return test


def _class_tuple(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Whether `node` names a module-level tuple of classes (`NUMBERS = (int, float)`)."""
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    return isinstance(symbol, VariableSym) and bool(symbol.classes)


def names_classes(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """Whether `node` is a class, a tuple of classes or a module-level name of such a tuple, as
    `isinstance` takes them."""
    from waymark_compiler.lower.patterns import known_class  # (patterns lowers expressions)

    if isinstance(node, cst.Tuple):
        return all(names_classes(e.value, ctx) for e in node.elements)
    if not isinstance(node, cst.Name | cst.Attribute):
        return False
    return known_class(ctx.symbol(node)) is not None or _class_tuple(node, ctx)
