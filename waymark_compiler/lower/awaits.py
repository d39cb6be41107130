"""`await` inside expressions, lowered to statements that keep CPython's evaluation order.

`return n * await f(n - 1)` becomes `_wm_1 = n; _wm_2 = await f(n - 1); return _wm_1 * _wm_2`:
every operand CPython evaluates before an await is read into a temporary first, each await
becomes an `Await` statement into a temporary, and what remains is a pure expression of those
temporaries. Short-circuits (`ok and await charge(o)`, `a < b < await f()`) and conditional
expressions become `if` statements, so an await runs exactly when CPython would run it. The
runtime needs nothing new.

`hoist(node, ctx)` returns the statements; afterwards `lower_expr(node, ctx)` is pure because
`ctx.replaced` maps every evaluated node to its temporary. Temporaries start with `_wm_`, a
prefix user code may not use (WM137).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, TypeGuard

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX, Ctx
from waymark_compiler.literals import COMPARE
from waymark_compiler.lower.await_operands import (
    Operand,
    expression_operands,
    operation_operands,
)
from waymark_compiler.lower.awaited_comprehensions import awaited_comprehension
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.expressions import check_identity
from waymark_compiler.lower.shields import awaited_operation
from waymark_compiler.lower.started import started_value, starts_task
from waymark_compiler.lower.task_methods import calls_method, method_inside, method_value
from waymark_compiler.rules.operations import NESTED_AWAIT
from waymark_compiler.symbols import ClassSym, ModuleSym
from waymark_compiler.walk import parts
from waymark_runtime import ir

_NESTED_SCOPES = (cst.Lambda, cst.FunctionDef, cst.ClassDef)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)


def has_await(node: cst.CSTNode, ctx: Ctx) -> bool:
    """Whether `node` holds an `await` (or a `yield`, which suspends a generator helper as an
    `await` suspends an async function, or a task started inside an expression, which becomes
    an `await start`, or a method of a task's handle) evaluated in the enclosing function (read
    iteratively, comparing exact types: the node classes are final)."""
    pending = [node]
    while pending:
        current = pending.pop()
        kind = type(current)
        if kind is cst.Await or kind is cst.Yield:
            return True
        if kind is cst.Call and (starts_task(current, ctx) or calls_method(current, ctx)):  # type: ignore[arg-type]
            return True
        if kind not in _NESTED_SCOPES:
            pending.extend(parts(current))
    return False


def suspension(node: cst.CSTNode) -> str:
    """What suspends the function in `node`, as its diagnostics name it: `yield` when it
    holds a `yield` (a generator helper), else `await`."""
    pending = [node]
    while pending:
        current = pending.pop()
        if type(current) is cst.Yield:
            return "yield"
        if type(current) not in _NESTED_SCOPES:
            pending.extend(parts(current))
    return "await"


def into_name(node: cst.CSTNode) -> tuple[str, str]:
    """The word for what suspends in `node` and a refusal's first step of help: suspend into
    a name first."""
    word = suspension(node)
    example = "`value = yield`" if word == "yield" else "`value = await fetch()`"
    return word, f"{word} into a name first ({example})"


def hoist(node: cst.BaseExpression | None, ctx: Ctx) -> list[ir.Stmt]:
    """The statements that run the awaits of `node` (and what precedes them) in order."""
    out: list[ir.Stmt] = []
    if node is not None:
        _hoist(node, ctx, out)
    return out


def hoist_operation(node: cst.Await, ctx: Ctx) -> list[ir.Stmt]:
    """For a statement-level `await op(...)`: the awaits inside the operation's arguments."""
    out: list[ir.Stmt] = []
    _sequence(operation_operands(node.expression, ctx), ctx, out)
    return out


def hoist_call(node: cst.Call, ctx: Ctx) -> list[ir.Stmt]:
    """For a call an operation makes (a started task's): the awaits inside its arguments."""
    out: list[ir.Stmt] = []
    _sequence(operation_operands(node, ctx), ctx, out)
    return out


def hoist_target(node: cst.BaseExpression, ctx: Ctx) -> list[ir.Stmt]:
    """For `d[await k()] = v` and `(await f()).x = v`: the awaits among the target's parts."""
    out: list[ir.Stmt] = []
    _sequence(expression_operands(node, ctx), ctx, out)
    return out


# ---------------------------------------------------------------------------------------------
# The statements being produced
# ---------------------------------------------------------------------------------------------


def _assign(out: list[ir.Stmt], name: str, value: ir.Expr, span: ir.Span) -> None:
    out.append(ir.Assign(targets=(ir.Name(id=name, span=span),), value=value, span=span))


def _block(node: cst.BaseExpression, result: str, ctx: Ctx) -> tuple[ir.Stmt, ...]:
    """`node`'s awaits then `result = node`, as a block of its own (a branch of an `if`)."""
    out: list[ir.Stmt] = []
    _hoist(node, ctx, out)
    _assign(out, result, lower_expr(node, ctx), ctx.span(node))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Hoisting
# ---------------------------------------------------------------------------------------------


def _hoist(node: cst.BaseExpression, ctx: Ctx, out: list[ir.Stmt]) -> None:
    if not has_await(node, ctx):
        return
    if isinstance(node, cst.Await):
        _await(node, ctx, out)
    elif isinstance(node, cst.Yield):
        _yield(node, ctx, out)
    elif isinstance(node, cst.BooleanOperation):
        _boolean(node, ctx, out)
    elif isinstance(node, cst.IfExp):
        _conditional(node, ctx, out)
    elif isinstance(node, cst.Comparison) and _chained_await(node, ctx):
        _chain(node, ctx, out)
    elif isinstance(node, _COMPREHENSIONS):
        _comprehension(node, ctx, out)
    elif isinstance(node, cst.Call) and (start := started_value(node, ctx, out)) is not None:
        ctx.replaced[id(node)] = start
    elif isinstance(node, cst.Call) and (called := method_value(node, ctx, out)) is not None:
        ctx.replaced[id(node)] = called
    else:
        _sequence(expression_operands(node, ctx), ctx, out)


def _refuse(node: cst.BaseExpression, ctx: Ctx, where: str, help: str) -> None:
    message = f"`await` {where}"
    ctx.replaced[id(node)] = ctx.error(NESTED_AWAIT, node, message, "nested await", help)


def _await(node: cst.Await, ctx: Ctx, out: list[ir.Stmt]) -> None:
    span = ctx.span(node)
    target = _awaited(node.expression, None, span, ctx, out)
    value = ir.Const(value=None) if target is None else ir.Name(id=target)
    ctx.replaced[id(node)] = replace(value, span=span)


def _awaited(
    node: cst.BaseExpression, target: str | None, span: ir.Span, ctx: Ctx, out: list[ir.Stmt]
) -> str | None:
    """`target = await node` (a new temporary for None), or None when `node` is refused.

    `await (pay(x) if ok else reject(x))` awaits what the chosen branch made: CPython evaluates
    the test, then only that branch's call, so it becomes
    `if ok: target = await pay(x) else: target = await reject(x)`."""
    if isinstance(node, cst.IfExp):
        _hoist(node.test, ctx, out)
        target = target or ctx.temp()
        test = lower_expr(node.test, ctx)
        body: list[ir.Stmt] = []
        orelse: list[ir.Stmt] = []
        chosen = _awaited(node.body, target, span, ctx, body)
        chosen = _awaited(node.orelse, target, span, ctx, orelse) and chosen
        out.append(ir.If(test=test, body=tuple(body), orelse=tuple(orelse), span=ctx.span(node)))
        return chosen
    _sequence(operation_operands(node, ctx), ctx, out)
    operation = awaited_operation(node, ctx, out)
    if operation is None:
        return None
    target = target or ctx.temp()
    out.append(ir.Await(target=ir.Name(id=target, span=span), op=operation, span=span))
    return target


def direct_await(node: cst.BaseExpression) -> TypeGuard[cst.Await]:
    """An `await` of one operation, which a statement lowers as it stands (`x = await f()`);
    an await of a conditional expression is hoisted as an expression's is."""
    return isinstance(node, cst.Await) and not isinstance(node.expression, cst.IfExp)


def _yield(node: cst.Yield, ctx: Ctx, out: list[ir.Stmt]) -> None:
    from waymark_compiler.lower.generators import hoist_yield  # (it hoists what it yields)

    statements, value = hoist_yield(node, ctx)
    out += statements
    if value is not None:
        ctx.replaced[id(node)] = value


def _sequence(operands: list[Operand], ctx: Ctx, out: list[ir.Stmt]) -> None:
    """Operands evaluated left to right: those before the last await are read into temporaries
    first, so they keep the value (and raise the error) CPython sees before the await runs."""
    awaiting = [i for i, operand in enumerate(operands) if has_await(operand.node, ctx)]
    if not awaiting:
        return
    last = awaiting[-1]
    for operand in operands[:last]:
        _hoist(operand.node, ctx, out)
        _capture(operand, ctx, out)
    _hoist(operands[last].node, ctx, out)


def _capture(operand: Operand, ctx: Ctx, out: list[ir.Stmt]) -> None:
    node = operand.node
    if isinstance(ctx.symbol(node), ClassSym | ModuleSym):
        return  # never rebound, and not a value: read where it stands (`Item.model_validate`)
    value = lower_expr(node, ctx)
    if not operand.star and _settled(value):
        ctx.replaced[id(node)] = value
        return
    span = ctx.span(node)
    if operand.star == "*":  # unpacked now, as CPython does, into a list unpacked later
        value = ir.ListExpr(elts=(ir.Starred(value=value, span=span),), span=span)
    elif operand.star == "**":
        value = ir.DictExpr(keys=(None,), values=(value,), span=span)
    temp = ctx.temp()
    _assign(out, temp, value, span)
    ctx.replaced[id(node)] = ir.Name(id=temp, span=span)


def _settled(value: ir.Expr) -> bool:
    """Constants, and temporaries (never rebound once set): reading them later is the same."""
    if isinstance(value, ir.Name):
        return value.id.startswith(TEMP_PREFIX)
    return isinstance(value, ir.Const | ir.EnumMember | ir.TypeRef)


def _boolean(node: cst.BooleanOperation, ctx: Ctx, out: list[ir.Stmt]) -> None:
    """`a and b`: `t = a; if t: t = b` (`or`: `if not t`), so `b` runs only when CPython runs it."""
    kind = type(node.operator)
    operands = _bool_operands(node, kind)
    last = max(i for i, operand in enumerate(operands) if has_await(operand, ctx))
    result = ctx.temp()
    span = ctx.span(node)

    def chain(index: int) -> tuple[ir.Stmt, ...]:
        block = _block(operands[index], result, ctx)
        if index == last:
            return block
        test: ir.Expr = ir.Name(id=result, span=span)
        if kind is cst.Or:
            test = ir.UnaryOp(op="not", operand=test, span=span)
        return (*block, ir.If(test=test, body=chain(index + 1), orelse=(), span=span))

    out += chain(0)
    value: ir.Expr = ir.Name(id=result, span=span)
    rest = operands[last + 1 :]
    if rest:
        op: Literal["and", "or"] = "and" if kind is cst.And else "or"
        values = (value, *(lower_expr(operand, ctx) for operand in rest))
        value = ir.BoolOp(op=op, values=values, span=span)
    ctx.replaced[id(node)] = value


def _bool_operands(node: cst.BaseExpression, kind: type[cst.CSTNode]) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, kind):
        return [*_bool_operands(node.left, kind), *_bool_operands(node.right, kind)]
    return [node]


def _conditional(node: cst.IfExp, ctx: Ctx, out: list[ir.Stmt]) -> None:
    """`a if c else await f()`: the test first, then only the branch CPython evaluates."""
    _hoist(node.test, ctx, out)
    if not (has_await(node.body, ctx) or has_await(node.orelse, ctx)):
        return
    span = ctx.span(node)
    result = ctx.temp()
    test = lower_expr(node.test, ctx)
    body, orelse = _block(node.body, result, ctx), _block(node.orelse, result, ctx)
    out.append(ir.If(test=test, body=body, orelse=orelse, span=span))
    ctx.replaced[id(node)] = ir.Name(id=result, span=span)


def _chained_await(node: cst.Comparison, ctx: Ctx) -> bool:
    """An await past the second operand of `a < b < c`, which runs only if `a < b`."""
    return any(has_await(c.comparator, ctx) for c in node.comparisons[1:])


def _chain(node: cst.Comparison, ctx: Ctx, out: list[ir.Stmt]) -> None:
    """`a < b < await f()`: `r = a < b; if r: r = b < await f()`, each operand read once, the
    later ones only when the comparisons before them hold."""
    operands = [node.left, *(c.comparator for c in node.comparisons)]
    ops = tuple(COMPARE[type(c.operator)] for c in node.comparisons)
    last = max(i for i, operand in enumerate(operands) if has_await(operand, ctx))
    span = ctx.span(node)
    result = ctx.temp()

    def read(index: int, into: list[ir.Stmt]) -> ir.Expr:
        _hoist(operands[index], ctx, into)
        _capture(Operand(operands[index]), ctx, into)
        return lower_expr(operands[index], ctx)

    def level(index: int, before: ir.Expr, into: list[ir.Stmt]) -> None:
        current = read(index, into)
        if index < last:
            compare = ir.Compare(left=before, ops=ops[index - 1 : index], comparators=(current,))
            check_identity(node, before, compare.ops, compare.comparators, ctx, index - 1)
            into.append(ir.Assign(targets=(ir.Name(id=result),), value=compare, span=span))
            inner: list[ir.Stmt] = []
            level(index + 1, current, inner)
            test = ir.Name(id=result, span=span)
            into.append(ir.If(test=test, body=tuple(inner), orelse=(), span=span))
            return
        rest = tuple(lower_expr(operand, ctx) for operand in operands[index + 1 :])
        tail_ops, comparators = ops[index - 1 :], (current, *rest)
        check_identity(node, before, tail_ops, comparators, ctx, index - 1)
        compare = ir.Compare(left=before, ops=tail_ops, comparators=comparators, span=span)
        into.append(ir.Assign(targets=(ir.Name(id=result),), value=compare, span=span))

    level(1, read(0, out), out)
    ctx.replaced[id(node)] = ir.Name(id=result, span=span)


def _comprehension(
    node: cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp,
    ctx: Ctx,
    out: list[ir.Stmt],
) -> None:
    """The first iterable is evaluated in the function; awaits elsewhere make a list, set or
    dict comprehension the loop CPython runs (`awaited_comprehensions`)."""
    first = node.for_in.iter
    _hoist(first, ctx, out)
    inner = [child for child in parts(node) if child is not node.for_in]
    inner += [child for child in parts(node.for_in) if child is not first]
    if not any(has_await(child, ctx) for child in inner):
        return
    if not isinstance(node, cst.GeneratorExp):
        out += awaited_comprehension(node, hoist, ctx)
        return
    if (method := method_inside(inner, ctx)) is not None:
        help = ("a task's methods are read where an await would be, which a generator "
                "expression cannot hold: write a list comprehension, `sorted([t.result() for t "
                "in done])`")  # fmt: skip
        name = ctx.code(method.func)
        message = f"task method `{name}()` inside a generator expression"
        ctx.replaced[id(node)] = ctx.error(NESTED_AWAIT, node, message, "task method", help)
        return
    help = ("a generator expression with `await` is an async generator, which `sum()` or "
            "`list()` cannot iterate: write a list comprehension `[await f(x) for x in xs]`, or "
            "run the calls at once with `asyncio.gather(*[f(x) for x in xs])`")  # fmt: skip
    _refuse(node, ctx, "inside a generator expression", help)
