"""Lowering a child workflow call: `await Other().run(k=v)`, where `Other` is a `@workflow`
class (the workflow itself included: recursion), to an `ir.ActionCall` with `child` set.

`Other().run(..., _blocking=False)` starts a detached child; the await yields its id. A child
takes its inputs by name: positional inputs are bound to the names of the class's `run()`
parameters here, at compile time; a spread, or more positional inputs than `run()` takes, is
refused with WM160.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.inherited import class_chain
from waymark_compiler.rules.operations import CHILD_WORKFLOW_FORM
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir


def child_class(node: cst.Call, ctx: Ctx) -> ClassSym | None:
    """The `@workflow` class of a `Cls().run(...)` call, or None when it is not one."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "run"):
        return None
    made = func.value
    if not isinstance(made, cst.Call):
        return None
    symbol = ctx.symbol(made.func)
    if isinstance(symbol, ClassSym) and symbol.kind == "workflow":
        return symbol
    return None


def child_call(node: cst.Call, symbol: ClassSym, ctx: Ctx) -> ir.ActionCall | None:
    """The IR of `Cls().run(k=v, _blocking=...)`; None (after a diagnostic) when malformed."""
    func = node.func
    assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)
    name = workflow_name(symbol)
    if func.value.args:
        return _refuse(func.value, ctx, f"`{name}(...)` constructed with arguments",
                       f"pass the inputs to `run()`: `{name}().run(name=value)`")  # fmt: skip
    blocking, arguments = True, []
    positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
    named = _positional_names(symbol, positional, ctx)
    if named is None:
        return None
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == "_blocking":
            flag = _literal_flag(arg.value)
            if flag is None:
                return _refuse(arg, ctx, "`_blocking` must be True or False",
                               "write `_blocking=False` to start a detached child")  # fmt: skip
            blocking = flag
        elif arg.star:
            return _refuse(arg, ctx, "a child workflow's inputs cannot be spread with "
                           f"`{arg.star}`", f"name each input: `{name}().run(n=n - 1)`")  # fmt: skip
        elif arg.keyword is None:
            continue  # bound by name below, in order, before the keywords (as Python binds)
        elif arg.keyword.value in named:
            return _refuse(arg, ctx, f"input `{arg.keyword.value}` given by position and by "
                           "keyword", "give it once")  # fmt: skip
        elif arg.keyword.value in _CLIENT_OPTIONS:
            option = arg.keyword.value
            return _refuse(arg, ctx, f"`{option}=` is an option of a client's `run()`, not of "
                           "a child workflow call", _CLIENT_OPTIONS[option])  # fmt: skip
        else:
            arguments.append(arg)
    by_position = tuple(
        ir.Keyword(name=input_name, value=lower_expr(arg.value, ctx), span=ctx.span(arg))
        for input_name, arg in zip(named, positional, strict=True)
    )
    _, kwargs = lower_arguments(arguments, ctx)
    return ir.ActionCall(action=name, args=(), kwargs=by_position + kwargs, child=True,
                         blocking=blocking, span=ctx.span(node))  # fmt: skip


def _positional_names(symbol: ClassSym, positional: list[cst.Arg], ctx: Ctx) -> list[str] | None:
    """The names of the child's `run()` parameters that `positional` inputs bind, in order
    (a child instance takes its inputs by name); None (after a diagnostic) when they do not
    fit, or the class's `run()` is not in the user's code."""
    if not positional:
        return []
    name = workflow_name(symbol)
    run = _run_of(symbol, ctx)
    if run is None:
        return _refuse_names(positional[0], ctx, "a child workflow's inputs are passed by "
                             "keyword here: its `run()` is not in the compiled code",
                             f"name each input: `{name}().run(n=n - 1)`")  # fmt: skip
    params = [*run.params.posonly_params, *run.params.params][1:]  # after `self`
    if len(positional) > len(params):
        return _refuse_names(positional[len(params)], ctx, f"`{name}.run()` takes "
                             f"{len(params)} positional input{'s' if len(params) != 1 else ''}"
                             f" but {len(positional)} were given",
                             "pass the rest by keyword, as `run()` names them")  # fmt: skip
    return [param.name.value for param in params[: len(positional)]]


def _run_of(symbol: ClassSym, ctx: Ctx) -> cst.FunctionDef | None:
    """The `run()` a workflow class has: its own, or the first along its chain of bases."""
    if symbol.node is None or symbol.namespace is None:
        return None
    for cls, _ in class_chain(symbol.node, symbol.namespace, ctx.resolver):
        for statement in cls.body.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "run":
                return statement
    return None


_CLIENT_OPTIONS = {
    "_timeout": "a child's deadline is its class's `timeout`: set `timeout = ...` on the class",
    "_priority": "a child runs at its parent's pace: leave the priority to the client's call",
    "_idempotency_key": "a child is started exactly once already: leave the key out",
}
"""Options of `run()` called by a client, which a child call does not take (WM160)."""


def workflow_name(symbol: ClassSym) -> str:
    """The class's workflow name: a string `name = "..."` in its body, else the class name
    (as `Workflow.workflow_name()` gives it at run time)."""
    if symbol.node is not None:
        for statement in symbol.node.body.body:
            named = _name_attribute(statement)
            if named is not None:
                return named
    return symbol.name


def _name_attribute(statement: cst.CSTNode) -> str | None:
    if not isinstance(statement, cst.SimpleStatementLine):
        return None
    for small in statement.body:
        target = None
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        if (isinstance(target, cst.Name) and target.value == "name"
                and isinstance(value, cst.SimpleString)):  # fmt: skip
            evaluated = value.evaluated_value
            return evaluated if isinstance(evaluated, str) else None
    return None


def _literal_flag(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _refuse(node: cst.CSTNode, ctx: Ctx, message: str, help: str) -> ir.ActionCall | None:
    """Report a malformed child call (WM160); there is no call to lower."""
    ctx.error(CHILD_WORKFLOW_FORM, node, message, "child workflow", help)
    return None


def _refuse_names(node: cst.CSTNode, ctx: Ctx, message: str, help: str) -> list[str] | None:
    _refuse(node, ctx, message, help)
    return None
