"""Lowering statements: assignments, awaits, control flow, `try/except`, `raise`, `return`.

One `lower_<Statement>` per libcst node; each returns the IR statements it becomes (an awaited
`return` becomes two). Constructs whose meaning the IR cannot keep exactly are refused.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.literals import AUGMENTED
from waymark_compiler.lower.awaits import (
    direct_await,
    has_await,
    hoist,
    hoist_operation,
    hoist_target,
    into_name,
)
from waymark_compiler.lower.classes import outside_exception
from waymark_compiler.lower.constants import changed_table
from waymark_compiler.lower.deferred import deferred_assign
from waymark_compiler.lower.dispatch import (
    lower_body,
    lower_expr,
    lower_stmt,
    statement,
)
from waymark_compiler.lower.expressions import lower_target
from waymark_compiler.lower.generators import lower_yield
from waymark_compiler.lower.keys import sort_in_place
from waymark_compiler.lower.log import log_method, lower_log
from waymark_compiler.lower.names import local_definition
from waymark_compiler.lower.operations import lower_await
from waymark_compiler.lower.patterns import lower_pattern
from waymark_compiler.lower.prints import is_print, lower_print
from waymark_compiler.lower.self_builtins import STATEMENTS, lower_self_statement, self_builtin
from waymark_compiler.lower.started import started_assign, started_statement
from waymark_compiler.lower.table_aliases import in_place_change
from waymark_compiler.rules.operations import NESTED_AWAIT
from waymark_compiler.rules.statements import (
    BARE_RAISE,
    DEL_STATEMENT,
    EXCEPT_TYPE,
    UNSUPPORTED_STATEMENT,
)
from waymark_compiler.symbols import ClassSym, LocalSym, Symbol, VariableSym
from waymark_compiler.tables import OUTSIDE_EXCEPTION
from waymark_runtime import ir


@statement
def lower_SimpleStatementLine(node: cst.SimpleStatementLine, ctx: Ctx) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    for small in node.body:
        out += lower_stmt(small, ctx)
    return out


# ---------------------------------------------------------------------------------------------
# Expressions and assignments
# ---------------------------------------------------------------------------------------------


@statement
def lower_Expr(node: cst.Expr, ctx: Ctx) -> list[ir.Stmt]:
    if isinstance(node.value, cst.Yield) and not ctx.function.is_async:
        return lower_yield(node.value, ctx)
    if direct_await(node.value):
        return hoist_operation(node.value, ctx) + lower_await([], node.value, node, ctx)
    if (started := started_statement(node.value, node, ctx)) is not None:
        return started  # `asyncio.create_task(fetch(x))`: a task never awaited
    before = hoist(node.value, ctx)
    if isinstance(node.value, cst.Await):  # `await (a() if ok else b())`: its awaits are all
        return before
    if (method := log_method(node.value, ctx)) is not None:
        return [*before, *lower_log(node.value, method, ctx)]  # type: ignore[arg-type]
    if is_print(node.value, ctx):
        return [*before, *lower_print(node.value, ctx)]  # type: ignore[arg-type]
    if (builtin := self_builtin(node.value, ctx)) in STATEMENTS:  # `setattr(self, "n", 1)`
        return [*before, *lower_self_statement(str(builtin), node.value, ctx)]  # type: ignore[arg-type]
    if (sorting := sort_in_place(node.value, ctx)) is not None:
        return [*before, sorting]
    return [*before, ir.ExprStmt(value=lower_expr(node.value, ctx), span=ctx.span(node))]


def _assign(
    targets: list[cst.BaseExpression], value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt]:
    if any(has_await(t, ctx) for t in targets):
        return _assign_awaiting_targets(targets, value, node, ctx)
    if direct_await(value):
        return hoist_operation(value, ctx) + lower_await(targets, value, node, ctx)
    if (deferred := deferred_assign(targets, value, node, ctx)) is not None:
        return deferred  # `c = fetch(x)`, awaited later
    if (started := started_assign(targets, value, node, ctx)) is not None:
        return started  # `t = asyncio.create_task(fetch(x))`, joined later or never
    before = hoist(value, ctx)
    lowered = lower_expr(value, ctx)
    assigned = tuple(lower_target(t, ctx) for t in targets)
    return [*before, ir.Assign(targets=assigned, value=lowered, span=ctx.span(node))]


def _assign_awaiting_targets(
    targets: list[cst.BaseExpression], value: cst.BaseExpression, node: cst.CSTNode, ctx: Ctx
) -> list[ir.Stmt]:
    """`d[await k()] = v`: CPython evaluates `v`, then each target's parts, then stores it."""
    span = ctx.span(node)
    out = hoist(value, ctx)
    temp = ir.Name(id=ctx.temp(), span=span)
    out.append(ir.Assign(targets=(temp,), value=lower_expr(value, ctx), span=span))
    for target in targets:
        if isinstance(target, cst.Tuple | cst.List) and has_await(target, ctx):
            word, first = into_name(target)
            help = f"{first}, then unpack into the targets"
            message = f"`{word}` inside an unpacking target"
            ctx.error(NESTED_AWAIT, target, message, f"nested {word}", help)
            return []
        out += hoist_target(target, ctx)
        out.append(ir.Assign(targets=(lower_target(target, ctx),), value=temp, span=span))
    return out


@statement
def lower_Assign(node: cst.Assign, ctx: Ctx) -> list[ir.Stmt]:
    if isinstance(node.value, cst.Yield) and len(node.targets) == 1 and not ctx.function.is_async:
        return lower_yield(node.value, ctx, node.targets[0].target)  # `x = yield value`
    return _assign([t.target for t in node.targets], node.value, node, ctx)


@statement
def lower_AnnAssign(node: cst.AnnAssign, ctx: Ctx) -> list[ir.Stmt]:
    if node.value is None:
        return []  # a bare annotation binds nothing at run time
    return _assign([node.target], node.value, node, ctx)


@statement
def lower_AugAssign(node: cst.AugAssign, ctx: Ctx) -> list[ir.Stmt]:
    """`t op= v`: the parts of `t` (and their awaits) first, then the read, then `v`."""
    before = hoist_target(node.target, ctx) if has_await(node.target, ctx) else []
    return before + _augmented(node, ctx)


def _augmented(node: cst.AugAssign, ctx: Ctx) -> list[ir.Stmt]:
    op = AUGMENTED[type(node.operator)]
    span = ctx.span(node)
    if (table := in_place_change(node, ctx)) is not None:  # `stages += [...]`, `stages = STAGES`
        changed_table(node, table, ctx)
        return []
    target = lower_target(node.target, ctx)
    if not isinstance(target, ir.Name | ir.Subscript | ir.Attribute):
        ctx.error(
            UNSUPPORTED_STATEMENT,
            node.target,
            "augmented assignment to a tuple",
            "unsupported",
        )
        return []
    if not has_await(node.value, ctx):
        return [ir.AugAssign(target=target, op=op, value=lower_expr(node.value, ctx), span=span)]
    if isinstance(target, ir.Subscript) and isinstance(target.index, ir.Slice):
        word, first = into_name(node.value)
        help = f"{first}, then `xs[i:j] += value`"
        message = f"`{word}` in an augmented slice assignment"
        ctx.error(NESTED_AWAIT, node.value, message, f"nested {word}", help)
        return []
    if not isinstance(target, ir.Name):
        return _augmented_place(target, op, node.value, span, ctx)
    # A name cannot change while the awaits run: reading it after them is reading it before.
    before = hoist(node.value, ctx)
    value = lower_expr(node.value, ctx)
    return [*before, ir.AugAssign(target=target, op=op, value=value, span=span)]


def _augmented_place(
    target: ir.Subscript | ir.Attribute,
    op: ir.BinOperator,
    value: cst.BaseExpression,
    span: ir.Span,
    ctx: Ctx,
) -> list[ir.Stmt]:
    """`d[k] += await f()`, `o.a += await f()`: CPython evaluates `d` and `k` and reads `d[k]`
    before the await, then updates that value in place and stores it back."""

    def keep(expr: ir.Expr) -> tuple[ir.Name, ir.Assign]:
        name = ir.Name(id=ctx.temp(), span=span)
        return name, ir.Assign(targets=(name,), value=expr, span=span)

    owner, out = keep(target.value)
    steps: list[ir.Stmt] = [out]
    place: ir.Subscript | ir.Attribute
    if isinstance(target, ir.Subscript):
        key, read_key = keep(target.index)
        steps.append(read_key)
        place = ir.Subscript(value=owner, index=key, span=target.span)
    else:
        place = ir.Attribute(value=owner, attr=target.attr, span=target.span)
    current, read = keep(place)
    steps += [read, *hoist(value, ctx)]
    update = ir.AugAssign(target=current, op=op, value=lower_expr(value, ctx), span=span)
    return [*steps, update, ir.Assign(targets=(place,), value=current, span=span)]


# ---------------------------------------------------------------------------------------------
# Simple control flow
# ---------------------------------------------------------------------------------------------


@statement
def lower_Pass(node: cst.Pass, ctx: Ctx) -> list[ir.Stmt]:
    return [ir.Pass(span=ctx.span(node))]


@statement
def lower_Raise(node: cst.Raise, ctx: Ctx) -> list[ir.Stmt]:
    span = ctx.span(node)
    if node.exc is None:
        if ctx.handler_depth == 0:
            help = "raise a specific exception: `raise ValueError(...)`"
            ctx.error(
                BARE_RAISE,
                node,
                "bare `raise` outside an `except` block",
                "nothing to re-raise",
                help,
            )
        return [*_star_reraise(span, ctx), ir.Raise(exc=None, span=span)]
    before = hoist(node.exc, ctx)
    exc = _raised(node.exc, ctx)
    cause = None if node.cause is None else _raised(node.cause.item, ctx)
    return [*before, ir.Raise(exc=exc, cause=cause, span=span)]


def _star_reraise(span: ir.Span, ctx: Ctx) -> list[ir.Stmt]:
    """What a bare `raise` directly in an `except*` clause's body notes first: it re-raises the
    part the clause was given, which CPython keeps in the original group's shape
    (`lower.except_star`)."""
    clause = ctx.star_clauses[-1] if ctx.star_clauses else None
    if clause is None or clause.depth != ctx.handler_depth:
        return []
    noted = ir.Assign(
        targets=(ir.Name(id=clause.reraised, span=span),), value=ir.Const(value=True), span=span
    )
    return [noted]


def _raised(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """`raise ValueError` raises a new instance, as in Python."""
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    if isinstance(symbol, ClassSym) and symbol.path in OUTSIDE_EXCEPTION:
        return outside_exception(ctx.code(node), node, ctx)
    if isinstance(symbol, ClassSym) and symbol.kind == "exception":
        return ir.New(type=symbol.path, args=(), kwargs=(), span=ctx.span(node))
    return lower_expr(node, ctx)


@statement
def lower_Del(node: cst.Del, ctx: Ctx) -> list[ir.Stmt]:
    """`del a, d[k]`: CPython deletes the targets left to right, evaluating each as it goes."""
    out: list[ir.Stmt] = []
    for target in _deleted(node.target):
        if isinstance(target, cst.Attribute):
            help = "build a new value without the attribute, or rebind the name"
            message = f"deleting attribute `{ctx.code(target)}`"
            ctx.error(DEL_STATEMENT, target, message, "not supported", help)
            continue
        out += hoist_target(target, ctx)
        lowered = lower_target(target, ctx)
        if isinstance(lowered, ir.Name | ir.Subscript):
            out.append(ir.Delete(targets=(lowered,), span=ctx.span(node)))
    return _merged_deletes(out)


def _deleted(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`del (a, [b, c])` deletes `a`, `b` and `c`, in that order."""
    if isinstance(node, cst.Tuple | cst.List):
        return [t for element in node.elements for t in _deleted(element.value)]
    return [node]


def _merged_deletes(statements: list[ir.Stmt]) -> list[ir.Stmt]:
    """One `Delete` for consecutive targets (`del a, b`), so the IR reads like the source."""
    out: list[ir.Stmt] = []
    for stmt in statements:
        last = out[-1] if out else None
        if isinstance(stmt, ir.Delete) and isinstance(last, ir.Delete):
            out[-1] = ir.Delete(targets=(*last.targets, *stmt.targets), span=last.span)
        else:
            out.append(stmt)
    return out


@statement
def lower_Assert(node: cst.Assert, ctx: Ctx) -> list[ir.Stmt]:
    """`assert test, msg` runs as CPython runs it without `-O`: the message is evaluated only
    when the test fails, and `AssertionError(msg)` (or `AssertionError()`) is raised."""
    span = ctx.span(node)
    before = hoist(node.test, ctx)
    failed = ir.UnaryOp(op="not", operand=lower_expr(node.test, ctx), span=span)
    args: tuple[ir.Expr, ...] = ()
    message: list[ir.Stmt] = []
    if node.msg is not None:
        message = hoist(node.msg, ctx)
        args = (lower_expr(node.msg, ctx),)
    error = ir.New(type="builtins:AssertionError", args=args, kwargs=(), span=span)
    raised = (*message, ir.Raise(exc=error, span=span))
    return [*before, ir.If(test=failed, body=raised, orelse=(), span=span)]


# ---------------------------------------------------------------------------------------------
# Compound statements
# ---------------------------------------------------------------------------------------------


@statement
def lower_If(node: cst.If, ctx: Ctx) -> list[ir.Stmt]:
    before = hoist(node.test, ctx)
    test = lower_expr(node.test, ctx)
    body = lower_body(node.body, ctx)
    orelse: tuple[ir.Stmt, ...] = ()
    if isinstance(node.orelse, cst.If):
        orelse = tuple(lower_If(node.orelse, ctx))
    elif isinstance(node.orelse, cst.Else):
        orelse = lower_body(node.orelse.body, ctx)
    return [*before, ir.If(test=test, body=body, orelse=orelse, span=ctx.span(node))]


def _exception_classes(classes: tuple[Symbol, ...]) -> tuple[ClassSym, ...]:
    """`classes` when each is an exception class (a tuple `except` takes), else nothing."""
    found = tuple(c for c in classes if isinstance(c, ClassSym) and c.kind == "exception")
    return found if len(found) == len(classes) else ()


def exception_types(node: cst.BaseExpression, ctx: Ctx) -> tuple[str, ...]:
    """The classes of an `except` clause, as `module:QualName` paths."""
    if isinstance(node, cst.Tuple):
        return tuple(t for e in node.elements for t in exception_types(e.value, ctx))
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    if isinstance(symbol, ClassSym) and symbol.kind == "exception":
        return (symbol.path,)
    if isinstance(symbol, VariableSym) and _exception_classes(symbol.classes):
        return tuple(held.path for held in _exception_classes(symbol.classes))  # `except RETRY:`
    if isinstance(symbol, LocalSym):
        local_definition(symbol, node, ctx)
        return ()
    help = "name exception classes directly: `except (ValueError, KeyError):`"
    message = f"`{ctx.code(node)}` is not a statically known exception class"
    ctx.error(EXCEPT_TYPE, node, message, "unknown exception type", help)
    return ()


@statement
def lower_Match(node: cst.Match, ctx: Ctx) -> list[ir.Stmt]:
    before = hoist(node.subject, ctx)
    subject = lower_expr(node.subject, ctx)
    cases = tuple(_case(case, ctx) for case in node.cases)
    return [*before, ir.Match(subject=subject, cases=cases, span=ctx.span(node))]


def _case(node: cst.MatchCase, ctx: Ctx) -> ir.MatchCase:
    pattern = lower_pattern(node.pattern, ctx)
    guard = None
    if node.guard is not None and has_await(node.guard, ctx):
        help = "await into a name before the `match`, then test the name in the guard"
        message = "`await` in a `case` guard"
        ctx.error(NESTED_AWAIT, node.guard, message, "nested await", help)
    elif node.guard is not None:
        guard = lower_expr(node.guard, ctx)
    body = lower_body(node.body, ctx)
    return ir.MatchCase(pattern=pattern, guard=guard, body=body, span=ctx.span(node))
