"""`async with asyncio.timeout(seconds) as cm:`: the `Timeout` object is no workflow value;
`cm.expired()` is the one method a workflow may call on it, lowered as a read of the block's
timer local (`lower.timeouts`), which holds True once the block's timer passed inside it and
keeps that answer after the block. `cm.when()` and `cm.reschedule(when)` are deadlines on the
event loop's clock, which a workflow does not read (WM112); any other use of `cm` is refused.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.task_groups import calls_method_of
from waymark_compiler.rules.statements import WITH_STATEMENT
from waymark_runtime import ir

_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_CLOCK = {
    "when": "`{}.when()` is a deadline on the event loop's clock, which a workflow does not read",
    "reschedule": "`{}.reschedule(...)` takes a deadline on the event loop's clock, which a "
    "workflow does not read",
}


def manager_name(node: cst.With, ctx: Ctx) -> str | None:
    """The name `as cm` binds (None without `as`), each of its uses in the function reported
    but `cm.expired()` after the block begins."""
    asname = node.items[0].asname
    if asname is None or not isinstance(asname.name, cst.Name):
        return None
    name = asname.name.value
    if name in ctx.timeout_managers:
        help = "give each `async with asyncio.timeout(...) as` block its own name"
        message = f"`{name}` names the `Timeout` of another block of this function"
        ctx.error(WITH_STATEMENT, asname.name, message, "named twice", help)
        return None
    _only_expired(node, asname.name, name, ctx)
    return name


def expired_call(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """`cm.expired()` as `_t is True`; a placeholder for another method of `cm` (reported
    with the block); None when `func` is no method of a block's `Timeout`."""
    value = func.value
    token = ctx.timeout_managers.get(value.value) if isinstance(value, cst.Name) else None
    if token is None:
        return None
    if func.attr.value != "expired" or node.args:
        return ir.Const(value=None, span=ctx.span(node))
    true = ir.Const(value=True)
    return ir.Compare(left=ir.Name(id=token), ops=("is",), comparators=(true,), span=ctx.span(node))


def _only_expired(block: cst.With, bound: cst.Name, name: str, ctx: Ctx) -> None:
    definition = ctx.function.node
    begins = ctx.span(block)
    pending: list[cst.CSTNode] = [] if definition is None else [definition.body]
    while pending:
        current = pending.pop()
        if _is_expired(current, name) and not _before(current, begins, ctx):
            continue
        if isinstance(current, cst.Name) and current.value == name and current is not bound:
            _report(current, name, _method_of(current, definition), begins, ctx)
        if not isinstance(current, _SCOPES):
            pending.extend(current.children)


def _is_expired(node: cst.CSTNode, name: str) -> bool:
    """`name.expired()`."""
    return isinstance(node, cst.Call) and not node.args and calls_method_of(node, name, "expired")


def _method_of(node: cst.Name, root: cst.CSTNode | None) -> str | None:
    """The method `node` is the receiver of (`cm.when`), found by a walk from `root`."""
    pending: list[cst.CSTNode] = [] if root is None else [root]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Attribute) and current.value is node:
            return current.attr.value
        pending.extend(current.children)
    return None


def _before(node: cst.CSTNode, begins: ir.Span, ctx: Ctx) -> bool:
    span = ctx.span(node)
    return (span.line, span.column) < (begins.line, begins.column)


def _report(node: cst.Name, name: str, method: str | None, begins: ir.Span, ctx: Ctx) -> None:
    if method in _CLOCK:
        help = "bound the block with `asyncio.timeout(seconds)` and read `cm.expired()`"
        ctx.error(WITH_STATEMENT, node, _CLOCK[method].format(name), "the loop's clock", help)
        return
    early = _before(node, begins, ctx)
    message = (
        f"`{name}` read before its `async with` block"
        if early
        else (f"`{name}`, the block's `Timeout`, used other than as `{name}.expired()`")
    )
    help = f"read `{name}.expired()` after the block begins; the `Timeout` is not a value"
    ctx.error(WITH_STATEMENT, node, message, "the timeout", help)
