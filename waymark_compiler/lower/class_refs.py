"""Class arguments: `isinstance`'s and `issubclass`'s second argument (a class, a tuple or a
union of classes), and `type(x)` as a class value."""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.names import local_definition
from waymark_compiler.lower.patterns import known_class
from waymark_compiler.rules.expressions import CLASS_VALUE, UNSUPPORTED_CALL
from waymark_compiler.symbols import ClassSym, LocalSym, VariableSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import IS_SUBCLASS, TYPE_OF


def type_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`type(x)` as a value: the class of `x` (what `isinstance`, `is` and `==` take); the
    three-argument form, which makes a class, is refused."""
    if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
        help = "call `type(value)` with one argument; define classes at module level"
        return ctx.error(UNSUPPORTED_CALL, node, "`type` with these arguments", "a new class", help)
    value = lower_expr(node.args[0].value, ctx)
    return ir.Call(func=TYPE_OF, args=(value,), kwargs=(), span=ctx.span(node))


def issubclass_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`issubclass(kind, T)`: `kind` a class value, `T` as `isinstance` takes it."""
    if len(node.args) != 2 or any(a.keyword is not None or a.star for a in node.args):
        help = "call it as `issubclass(kind, SomeClass)`"
        return ctx.error(UNSUPPORTED_CALL, node, "`issubclass` with these arguments", "", help)
    kind = lower_expr(node.args[0].value, ctx)
    bases = type_ref(node.args[1].value, ctx, unions=True)
    return ir.Call(func=IS_SUBCLASS, args=(kind, bases), kwargs=(), span=ctx.span(node))


def _union_member(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """A class of a union, where `None` stands for its class (`str | None`)."""
    if isinstance(node, cst.Name) and node.value == "None":
        return ir.TypeRef(type="builtins:NoneType", span=ctx.span(node))
    if isinstance(node, cst.Tuple):  # `(A, B) | C`: Python's `TypeError` for `tuple | type`
        help = "join the classes in one union, `A | B | C`, or one tuple, `(A, B, C)`"
        return ctx.error(CLASS_VALUE, node, "a tuple in a union of classes", "a tuple", help)
    return type_ref(node, ctx, unions=True)


def type_ref(node: cst.BaseExpression, ctx: Ctx, *, unions: bool = False) -> ir.Expr:
    """The class argument of `isinstance`: a class or a tuple of classes, as `TypeRef`s; with
    `unions`, a union `int | float` too, which `isinstance` takes as the tuple of its classes."""
    if isinstance(node, cst.Tuple):
        parts = tuple(type_ref(e.value, ctx, unions=unions) for e in node.elements)
        return ir.TupleExpr(elts=parts, span=ctx.span(node))
    if unions and isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        members = (_union_member(side, ctx) for side in (node.left, node.right))
        parts = tuple(p for m in members for p in (m.elts if isinstance(m, ir.TupleExpr) else (m,)))
        return ir.TupleExpr(elts=parts, span=ctx.span(node))
    symbol = ctx.symbol(node)
    if isinstance(symbol, ClassSym) and symbol.kind == "typeddict":
        help = 'test the keys instead (`"path" in entry`)'
        message = "a TypedDict class with `isinstance` (Python raises `TypeError`)"
        return ctx.error(CLASS_VALUE, node, message, "a TypedDict", help)
    if (path := known_class(symbol)) is not None:
        return ir.TypeRef(type=path, span=ctx.span(node))
    if isinstance(symbol, VariableSym) and symbol.classes:  # `isinstance(x, NUMBERS)`
        paths = (known_class(held) or "builtins:object" for held in symbol.classes)
        refs = tuple(ir.TypeRef(type=path, span=ctx.span(node)) for path in paths)
        return ir.TupleExpr(elts=refs, span=ctx.span(node))
    if isinstance(symbol, LocalSym):
        return local_definition(symbol, node, ctx)
    if isinstance(node, cst.Subscript) or (isinstance(node, cst.Name) and symbol is None):
        return lower_expr(node, ctx)  # a class value (`STRATEGIES[name]`): the runtime checks it
    help = "pass a class, or a tuple of classes, defined at module level"
    return ctx.error(CLASS_VALUE, node, "`isinstance` needs a class", "not a class", help)
