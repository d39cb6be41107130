"""Module-level tables: a dict, list or set of constants bound once at module level
(`resolve.ConstSym.table`) is read as a fresh copy wherever a workflow reads it, so a workflow
may not change it (in Python the change would outlive the call and be seen by every other).
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.rules.statements import ATTRIBUTE_ASSIGNMENT
from waymark_compiler.symbols import ConstSym
from waymark_runtime import ir


def constant_table(node: cst.BaseExpression, ctx: Ctx) -> ConstSym | None:
    """The module-level table (`ConstSym.table`) `node` reads, or an item of (`T["en"]`)."""
    while isinstance(node, cst.Subscript | cst.Attribute):
        node = node.value
    symbol = ctx.symbol(node) if isinstance(node, cst.Name) else None
    return symbol if isinstance(symbol, ConstSym) and symbol.table else None


def changed_table(node: cst.CSTNode, table: ConstSym, ctx: Ctx) -> ir.Expr:
    name = table.qualname.rpartition(".")[2]
    help = f"copy it into a local variable first: `{name.lower()} = dict({name})` (or `list(...)`)"
    message = f"change of module-level table `{name}`, which a workflow reads as a constant"
    return ctx.error(ATTRIBUTE_ASSIGNMENT, node, message, "shared by every instance", help)
