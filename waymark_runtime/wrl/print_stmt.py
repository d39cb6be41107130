"""Canonical `.wrl` text of statements, functions and whole workflows (the durable operations
after an `await`: `print_ops`).

One line per statement, four spaces per block level, a trailing location when the statement
has a span (relative to its function's `fn` line, see `locations`). `print_<Node>` functions are looked up by node type; an unknown node is an internal
error. Expressions are delegated to `print_expr`. Owns no parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError
from waymark_runtime.nesting import make_room
from waymark_runtime.wrl import lexicon
from waymark_runtime.wrl.locations import absolute, relative, with_base
from waymark_runtime.wrl.precedence import BINARY_PRECEDENCE
from waymark_runtime.wrl.print_expr import arguments, bare_tuple, expr
from waymark_runtime.wrl.print_ops import (
    OPERATION_PRINTERS,
    gathered_call,
    spread_clauses,
    workflow_line,
)
from waymark_runtime.wrl.print_pattern import pattern

INDENT = "    "
Lines = list[str]


def dumps(workflow: ir.Workflow) -> str:
    """The canonical text of one workflow: header, workflow line, `run` first, then helpers."""
    if not isinstance(workflow, ir.Workflow):
        raise InternalError(f"dumps expects a Workflow, got {type(workflow).__name__}")
    header = f"{workflow_line(workflow.name)}{absolute(workflow.span)}"
    lines = [f"wrl {ir.WRL_VERSION}", "", header]
    make_room()
    try:
        with with_base(workflow.span):
            for function in (workflow.run, *workflow.helpers):
                lines += ["", *print_function(function)]
    except RecursionError:  # the printer recurses once per level of nesting
        raise InternalError(f"workflow {workflow.name!r} is nested too deeply to print") from None
    return "\n".join(lines) + "\n"


def print_function(function: ir.Function) -> Lines:
    prefix = "fn" if function.is_async else "sync fn"
    name = lexicon.format_name(function.name, lexicon.HARD_KEYWORDS)
    origin = _origin(function)
    module = f" in {_dotted(function.module)}" if function.module else ""
    head = f"{prefix} {name}({_params(function.params)}){origin}{module}{_memo(function.memo)}"
    header = f"{head}:{relative(function.span)}"
    with with_base(function.span):
        return [header, *block(function.body, 1)]


def _origin(function: ir.Function) -> str:
    """` as method 'Wf.meth'` (or `function`), empty for a program that does not say."""
    if not function.qualname and function.bound and not function.closure:
        return ""
    kind = "method" if function.bound else "function"
    origin = f" as {kind} {lexicon.format_string(function.qualname)}"
    if function.closure:
        names = (lexicon.format_name(n, lexicon.HARD_KEYWORDS) for n in function.closure)
        origin += " reading " + ", ".join(names)
    return origin


def _memo(memo: ir.Memo | None) -> str:
    """` cached`, ` cached 128 typed`: a function's cache; empty for none."""
    if memo is None:
        return ""
    size = "" if memo.maxsize is None else f" {memo.maxsize}"
    return f" cached{size}{' typed' if memo.typed else ''}"


def _dotted(module: str) -> str:
    return ".".join(lexicon.format_name(part, lexicon.HARD_KEYWORDS) for part in module.split("."))


def _params(params: Sequence[ir.Param]) -> str:
    parts: list[str] = []
    keyword_only = False
    for param in params:
        if param.star:  # `*args` is the marker of the keyword-only parameters after it
            keyword_only = keyword_only or param.star == "*"
        elif param.keyword_only and not keyword_only:
            parts.append("*")
            keyword_only = True
        elif keyword_only and not param.keyword_only:
            raise InternalError(f"positional parameter {param.name!r} after keyword-only ones")
        parts.append(_param(param))
    return ", ".join(parts)


def _param(param: ir.Param) -> str:
    name = param.star + lexicon.format_name(param.name, lexicon.HARD_KEYWORDS)
    return name if param.default is None else f"{name}={expr(param.default)}"


def block(body: Sequence[ir.Stmt], depth: int) -> Lines:
    lines: Lines = []
    for stmt in body:
        printer = _STMT_PRINTERS.get(type(stmt))
        if printer is None:
            raise InternalError(f"cannot print {type(stmt).__name__} as a .wrl statement")
        lines += printer(stmt, depth)
    return lines


def _line(depth: int, text: str, span: ir.Span | None) -> str:
    return f"{INDENT * depth}{text}{relative(span)}"


# --- simple statements ----------------------------------------------------------------------------


def print_Assign(node: ir.Assign, depth: int) -> Lines:
    if not node.targets:
        raise InternalError("Assign needs at least one target")
    text = " = ".join(bare_tuple(target) for target in (*node.targets, node.value))
    return [_line(depth, text, node.span)]


def print_AugAssign(node: ir.AugAssign, depth: int) -> Lines:
    if node.op not in BINARY_PRECEDENCE:
        raise InternalError(f"unknown augmented assignment operator {node.op!r}")
    text = f"{expr(node.target)} {node.op}= {bare_tuple(node.value)}"
    return [_line(depth, text, node.span)]


def print_ExprStmt(node: ir.ExprStmt, depth: int) -> Lines:
    return [_line(depth, bare_tuple(node.value), node.span)]


def print_Log(node: ir.Log, depth: int) -> Lines:
    if node.level not in ir.LOG_KINDS:
        raise InternalError(f"unknown log level {node.level!r}")
    text = f"self.log.{node.level}({arguments((node.message, *node.args), ())})"
    return [_line(depth, text, node.span)]


def print_Delete(node: ir.Delete, depth: int) -> Lines:
    if not node.targets:
        raise InternalError("Delete needs at least one target")
    text = "del " + ", ".join(expr(target) for target in node.targets)
    return [_line(depth, text, node.span)]


def print_Pass(node: ir.Pass, depth: int) -> Lines:
    return [_line(depth, "pass", node.span)]


def print_Break(node: ir.Break, depth: int) -> Lines:
    return [_line(depth, "break", node.span)]


def print_Continue(node: ir.Continue, depth: int) -> Lines:
    return [_line(depth, "continue", node.span)]


def print_Return(node: ir.Return, depth: int) -> Lines:
    text = "return" if node.value is None else "return " + bare_tuple(node.value)
    return [_line(depth, text, node.span)]


def print_Yield(node: ir.Yield, depth: int) -> Lines:
    text = "yield" if node.value is None else "yield " + bare_tuple(node.value)
    if node.target is not None:
        text = f"{bare_tuple(node.target)} = {text}"
    return [_line(depth, text, node.span)]


def print_Raise(node: ir.Raise, depth: int) -> Lines:
    text = "raise" if node.exc is None else "raise " + expr(node.exc)
    if node.exc is not None and node.cause is not None:
        text += " from " + expr(node.cause)
    return [_line(depth, text, node.span)]


# --- durable operations ---------------------------------------------------------------------------


def print_Await(node: ir.Await, depth: int) -> Lines:
    target = "" if node.target is None else bare_tuple(node.target) + " = "
    op = node.op
    if isinstance(op, ir.Gather):
        flag = _gather_flag(op.return_exceptions)
        groups = f" groups({', '.join(map(str, op.groups))})" if op.groups else ""
        limit = "" if op.timeout is None else f" wait_for({expr(op.timeout)})"
        head = _line(depth, f"{target}await gather({flag}){groups}{limit}", node.span)
        return [head, *(_gather_item(item, depth + 1) for item in op.items)]
    printer = OPERATION_PRINTERS.get(type(op))
    if printer is None:
        raise InternalError(f"cannot print {type(op).__name__} as a durable operation")
    return [_line(depth, target + "await " + printer(op), node.span)]


def _gather_flag(flag: bool | ir.Expr) -> str:
    """`return_exceptions=True`, `(flag)` for one known at run time, nothing for False."""
    if isinstance(flag, bool):
        return "return_exceptions=True" if flag else ""
    return f"return_exceptions=({expr(flag)})"


def _gather_item(item: ir.ActionCall | ir.CallAsyncHelper | ir.Spread, depth: int) -> str:
    if isinstance(item, ir.ActionCall | ir.CallAsyncHelper):
        return _line(depth, gathered_call(item), item.span)
    if isinstance(item, ir.Spread):
        text = f"spread {gathered_call(item.call)}{spread_clauses(item)}"
        return _line(depth, text, item.span)
    raise InternalError(f"cannot print {type(item).__name__} as a gather item")


# --- compound statements --------------------------------------------------------------------------


def print_If(node: ir.If, depth: int) -> Lines:
    lines = [_line(depth, f"if {expr(node.test)}:", node.span), *block(node.body, depth + 1)]
    orelse = node.orelse
    # An else branch that is exactly one `if` prints as `elif`: the two spellings are one tree.
    while len(orelse) == 1 and isinstance(orelse[0], ir.If):
        branch = orelse[0]
        lines += [_line(depth, f"elif {expr(branch.test)}:", branch.span)]
        lines += block(branch.body, depth + 1)
        orelse = branch.orelse
    if orelse:
        lines += [_line(depth, "else:", None), *block(orelse, depth + 1)]
    return lines


def print_For(node: ir.For, depth: int) -> Lines:
    header = f"for {bare_tuple(node.target)} in {bare_tuple(node.iter)}:"
    return [_line(depth, header, node.span), *block(node.body, depth + 1)]


def print_While(node: ir.While, depth: int) -> Lines:
    return [_line(depth, f"while {expr(node.test)}:", node.span), *block(node.body, depth + 1)]


def print_Try(node: ir.Try, depth: int) -> Lines:
    lines = [_line(depth, "try:", node.span), *block(node.body, depth + 1)]
    for handler in node.handlers:
        lines += [_line(depth, _handler_header(handler), handler.span)]
        lines += block(handler.body, depth + 1)
    return lines


def _handler_header(handler: ir.Handler) -> str:
    names = [lexicon.format_class_name(name) for name in handler.types]
    types = "" if not names else " " + names[0] if len(names) == 1 else f" ({', '.join(names)})"
    name = (
        ""
        if handler.name is None
        else " as " + lexicon.format_name(handler.name, lexicon.HARD_KEYWORDS)
    )
    return f"except{types}{name}:"


def print_Match(node: ir.Match, depth: int) -> Lines:
    lines = [_line(depth, f"match {expr(node.subject)}:", node.span)]
    for case in node.cases:
        guard = "" if case.guard is None else " if " + expr(case.guard)
        lines += [_line(depth + 1, f"case {pattern(case.pattern)}{guard}:", case.span)]
        lines += block(case.body, depth + 2)
    return lines


_STMT_PRINTERS: dict[type, Callable[[Any, int], Lines]] = {
    ir.Assign: print_Assign,
    ir.AugAssign: print_AugAssign,
    ir.ExprStmt: print_ExprStmt,
    ir.Await: print_Await,
    ir.If: print_If,
    ir.For: print_For,
    ir.While: print_While,
    ir.Break: print_Break,
    ir.Continue: print_Continue,
    ir.Pass: print_Pass,
    ir.Yield: print_Yield,
    ir.Delete: print_Delete,
    ir.Return: print_Return,
    ir.Raise: print_Raise,
    ir.Try: print_Try,
    ir.Match: print_Match,
    ir.Log: print_Log,
}
