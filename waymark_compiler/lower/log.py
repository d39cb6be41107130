"""Lowering `self.log.<level>(message, *args)`, and the same call of a module's logger
(`logger = logging.getLogger(__name__)`): a line of the instance's log (`ir.Log`).

A log line is a statement whose message and arguments are pure expressions. A workflow that
defines a helper method named `log` keeps its own `self.log`. Every other use of the logger
(another method, keywords, no message or a non-string literal one, awaiting it, using it or its
result as a value) is refused with `WM170`, saying what to write instead.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx, did_you_mean
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.rules.workflow import WORKFLOW_LOG
from waymark_compiler.symbols import VariableSym
from waymark_runtime import ir

_HELP = "write it as a statement: `self.log.info('charged %s', order_id)`"
_NOT_TEXT = (cst.Integer, cst.Float, cst.Imaginary, cst.List, cst.Tuple, cst.Dict, cst.Set,
             cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Lambda)  # fmt: skip


def is_logger(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """`self.log`, the workflow logger (unless the workflow has a helper named `log`), or a
    logger of the module (`logger = logging.getLogger(__name__)`), which writes to it too."""
    if isinstance(node, cst.Name):
        symbol = ctx.symbol(node)
        return isinstance(symbol, VariableSym) and symbol.logger
    return (
        isinstance(node, cst.Attribute)
        and node.attr.value == "log"
        and ctx.is_self(node.value)
        and "log" not in ctx.helpers
    )


def log_method(node: cst.BaseExpression, ctx: Ctx) -> str | None:
    """The method name when `node` is a call `self.log.<name>(...)`, else None."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return None
    return node.func.attr.value if is_logger(node.func.value, ctx) else None


def lower_log(node: cst.Call, method: str, ctx: Ctx) -> list[ir.Stmt]:
    """`self.log.info(...)` as a statement."""
    if method not in ir.LOG_LEVELS:
        _refuse_method(node, method, ctx)
        return []
    keyword = next((arg for arg in node.args if arg.keyword is not None or arg.star == "**"),
                   None)  # fmt: skip
    if keyword is not None:
        help = "format what matters into the message: `self.log.info('%s', value)`"
        if keyword.keyword is not None and keyword.keyword.value == "exc_info":
            help = "inside `except`, `self.log.exception('failed')` adds the exception handled"
        ctx.error(WORKFLOW_LOG, keyword, f"keyword argument to `{_named(node)}`",
                  "not recorded", help)  # fmt: skip
        return []
    if not node.args or node.args[0].star:
        ctx.error(WORKFLOW_LOG, node, f"`{_named(node)}` without a message",
                  "no message", "pass the message first: `self.log.info('done')`")  # fmt: skip
        return []
    if _not_text(node.args[0].value):
        help = "pass a string: `self.log.info('%s', value)` or an f-string"
        ctx.error(WORKFLOW_LOG, node.args[0], "log message is not a string", "not a string",
                  help)  # fmt: skip
        return []
    message, *args = (_argument(arg, ctx) for arg in node.args)
    return [ir.Log(level=method, message=message, args=tuple(args), span=ctx.span(node))]


def _argument(arg: cst.Arg, ctx: Ctx) -> ir.Expr:
    value = lower_expr(arg.value, ctx)
    return ir.Starred(value=value, span=ctx.span(arg)) if arg.star == "*" else value


def refuse_value(node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
    """The logger, one of its methods or a log call used inside an expression."""
    return ctx.error(WORKFLOW_LOG, node, f"`{ctx.code(node)}` used as a value", "the workflow logger",
                     _HELP)  # fmt: skip


def refuse_await(node: cst.Call, ctx: Ctx) -> None:
    help = "drop the `await`: the line is written when the step runs"
    ctx.error(WORKFLOW_LOG, node, f"`{ctx.code(node.func)}` awaited", "not awaitable", help)


def _refuse_method(node: cst.Call, method: str, ctx: Ctx) -> None:
    func = node.func
    assert isinstance(func, cst.Attribute)
    help = did_you_mean(method, ir.LOG_LEVELS) or f"use one of {', '.join(ir.LOG_LEVELS)}"
    message = f"`{_named(node)}` is not a method of the workflow logger"
    ctx.error(WORKFLOW_LOG, func.attr, message, "unknown log method", help)


def _named(node: cst.Call) -> str:
    """`self.log.info` or `logger.info`: the logger method as written."""
    return cst.Module([]).code_for_node(node.func)


def _not_text(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    return isinstance(node, _NOT_TEXT)
