"""Lowering the statements a workflow body holds only in some forms or not at all: `with` (only
`contextlib.suppress(...)`, lowered as the `try` it means), nested `def` and `class` that
cannot be helpers, `global`, `nonlocal`, and `import`, each refused with the
diagnostic that says what to write instead.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import Refused, lower_body, refuse_statements, statement
from waymark_compiler.lower.statements import exception_types
from waymark_compiler.lower.task_groups import task_group_block
from waymark_compiler.lower.timeout_managers import manager_name
from waymark_compiler.lower.timeouts import timeout_block
from waymark_compiler.rules.statements import (
    GLOBAL_STATEMENT,
    IMPORT_IN_BODY,
    NESTED_DEFINITION,
    WITH_STATEMENT,
)
from waymark_compiler.symbols import ClassSym, FunctionSym
from waymark_runtime import ir

_LOCAL = "keep the value in a local variable and return it"
_IMPORT = Refused(
    IMPORT_IN_BODY,
    "import inside a workflow body",
    "import",
    "import at the top of the module",
)

refuse_statements(
    {
        cst.Global: Refused(GLOBAL_STATEMENT, "`global` in a workflow", "module state", _LOCAL),
        cst.Nonlocal: Refused(
            GLOBAL_STATEMENT, "`nonlocal` in a workflow", "enclosing state", _LOCAL
        ),
        cst.Import: _IMPORT,
        cst.ImportFrom: _IMPORT,
    }
)


@statement
def lower_With(node: cst.With, ctx: Ctx) -> list[ir.Stmt]:
    suppressed = _suppressed(node, ctx)
    if suppressed is not None:
        return suppressed
    item = node.items[0].item
    called = _called(item, ctx)
    if called == "asyncio.timeout" and _one_async(node) and isinstance(item, cst.Call):
        asname = node.items[0].asname
        if asname is None or isinstance(asname.name, cst.Name):
            block = timeout_block(node, item, ctx, manager_name(node, ctx))
            if block is not None:
                return block
    if called == "asyncio.TaskGroup" and _one_async(node) and isinstance(item, cst.Call):
        block = task_group_block(node, item, ctx)
        if block is not None:
            return block
    what = "async with" if node.asynchronous is not None else "with"
    help = _WITH_HELP.get(called, "open the resource inside an action")
    return Refused(WITH_STATEMENT, f"`{what}` in a workflow", "context manager", help).statement(
        node, ctx
    )


def _one_async(node: cst.With) -> bool:
    """`async with one_item [as name]:`."""
    return node.asynchronous is not None and len(node.items) == 1


# What to write instead of a context manager that holds no resource, by what it calls.
_WITH_HELP = {
    "asyncio.timeout": "write `async with asyncio.timeout(seconds) [as cm]:` alone: one delay",
    "asyncio.timeout_at": "a deadline on the loop's clock: use `asyncio.timeout(seconds)`",
    "asyncio.TaskGroup": "write `async with asyncio.TaskGroup() as tg:` alone, with no arguments",
    "decimal.localcontext": "round the result instead: `value.quantize(Decimal('0.01'))`",
}


def _called(item: cst.BaseExpression, ctx: Ctx) -> str:
    """The qualified name of the function or class `item` calls (`asyncio.timeout`), or ''."""
    symbol = ctx.symbol(item.func) if isinstance(item, cst.Call) else None
    if isinstance(symbol, ClassSym | FunctionSym):
        return symbol.path.replace(":", ".")
    return getattr(symbol, "qualname", "")


def _suppressed(node: cst.With, ctx: Ctx) -> list[ir.Stmt] | None:
    """`with contextlib.suppress(KeyError, ValueError): body` is `try: body` with `except
    (KeyError, ValueError): pass`, as the context manager behaves (no classes: just `body`);
    None for any other `with`."""
    item = node.items[0].item if len(node.items) == 1 and not node.items[0].asname else None
    if node.asynchronous is not None or not isinstance(item, cst.Call):
        return None
    if _called(item, ctx) != "contextlib.suppress" or any(a.keyword or a.star for a in item.args):
        return None
    body = lower_body(node.body, ctx)
    types = tuple(t for arg in item.args for t in exception_types(arg.value, ctx))
    if not item.args:
        return list(body)
    span = ctx.span(node)
    handler = ir.Handler(types=types, name=None, body=(ir.Pass(span=span),), span=span)
    return [ir.Try(body=body, handlers=(handler,), span=span)]


@statement
def lower_FunctionDef(node: cst.FunctionDef, ctx: Ctx) -> list[ir.Stmt]:
    help = ("a nested function must be undecorated, defined once, without `global`, in a "
            "method that takes `self`; or define a helper method")  # fmt: skip
    message = "function defined inside a workflow body that cannot be a helper"
    if not ctx.function.self_name:  # a module function, a `@staticmethod`, a model's method
        message = "function defined inside a function that has no `self`"
        help = ("only a method or an undecorated function holds nested functions: define this "
                "one at module level and pass it what it reads")  # fmt: skip
    refused = Refused(NESTED_DEFINITION, message, "nested def", help)
    return refused.statement(node.name, ctx)


@statement
def lower_ClassDef(node: cst.ClassDef, ctx: Ctx) -> list[ir.Stmt]:
    help = "define the class at module level"
    refused = Refused(
        NESTED_DEFINITION, "class defined inside a workflow body", "nested class", help
    )
    return refused.statement(node.name, ctx)
