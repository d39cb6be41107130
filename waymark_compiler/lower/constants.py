"""Module-level tables: a dict, list or set of constants bound once at module level
(`resolve.ConstSym.table`) is read as a fresh copy wherever a workflow reads it, so a workflow
may not change it (in Python the change would outlive the call and be seen by every other).
A module-level partial that binds an argument that is no constant is refused where it is read
(`unbound_partial`).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.rules.names import MUTABLE_GLOBAL
from waymark_compiler.rules.statements import ATTRIBUTE_ASSIGNMENT
from waymark_compiler.symbols import ConstSym, Symbol, VariableSym
from waymark_runtime import ir


def constant_table(node: cst.BaseExpression, ctx: Ctx) -> ConstSym | None:
    """The module-level table (`ConstSym.table`) `node` reads, or an item of (`T["en"]`),
    also through a local variable that holds it (`words = WORDS`: `lower.table_aliases`)."""
    from waymark_compiler.lower.table_aliases import aliased_table  # (it reads tables here)

    while isinstance(node, cst.Subscript | cst.Attribute):
        node = node.value
    if isinstance(node, cst.Name) and ctx.is_local(node.value):
        return aliased_table(node.value, ctx)
    symbol = ctx.symbol(node) if isinstance(node, cst.Name) else None
    return symbol if isinstance(symbol, ConstSym) and symbol.table else None


def changed_table(node: cst.CSTNode, table: ConstSym, ctx: Ctx) -> ir.Expr:
    name = table.qualname.rpartition(".")[2]
    help = (f"change a copy: `{name.lower()} = copy.deepcopy({name})` (`list(...)` or "
            "`dict(...)` of one that holds no lists or dicts)")  # fmt: skip
    message = f"change of module-level table `{name}`, which a workflow reads as a constant"
    return ctx.error(ATTRIBUTE_ASSIGNMENT, node, message, "shared by every instance", help)


def unbound_partial(symbol: Symbol | None, node: cst.CSTNode, ctx: Ctx) -> ir.Expr | None:
    """WM122 for a read, call or await of a module-level partial that binds an argument that is
    no constant (`TAG = partial(tag, PREFIX.encode())`); None for any other symbol."""
    if not isinstance(symbol, VariableSym) or symbol.partial_argument is None:
        return None
    name, argument = symbol.qualname.rpartition(".")[2], symbol.partial_argument
    help = ('bind literals, other constants, operators, f-strings and pure methods of them '
            '(`PREFIX + "-"`, `PREFIX.upper()`), or build the partial inside the workflow, where '
            "any value may be bound")  # fmt: skip
    message = f"module-level partial `{name}` binds `{argument}`, which is not a constant"
    return ctx.error(MUTABLE_GLOBAL, node, message, "not a constant partial", help)
