"""Lowering one method of a workflow (or a function of its module, a property, a method of a
value class) into an `ir.Function`: its parameters, whose defaults must be constants, and its
body without the docstring."""

from __future__ import annotations

import dataclasses
from typing import Literal

import libcst as cst

from waymark_compiler.context import TEMP_PREFIX, ClassLevel, Ctx, FunctionInfo, ModuleFunctions
from waymark_compiler.diagnostics import Sink
from waymark_compiler.lower.config import Config
from waymark_compiler.lower.dispatch import lower_body, lower_expr
from waymark_compiler.lower.local_functions import HIDDEN_SELF
from waymark_compiler.lower.spreads import task_lists
from waymark_compiler.namespace import Namespace, scan
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.names import RESERVED_NAME
from waymark_compiler.rules.workflow import NON_CONSTANT_DEFAULT, UNSUPPORTED_PARAMETERS
from waymark_compiler.shapes import is_constant_literal
from waymark_compiler.source import Source
from waymark_compiler.symbols import ClassSym, ConstSym, ExternalSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import PURE_CONSTANTS


def lower_function(
    node: cst.FunctionDef,
    source: Source,
    resolver: Resolver,
    sink: Sink,
    helpers: dict[str, bool],
    config: Config,
    called: ModuleFunctions,
    module_function: str | None = None,
    *,
    static: bool = False,
    on_class: ClassLevel | None = None,
    class_method: bool = False,
    value: ClassSym | None = None,
) -> ir.Function:
    """A method of the class, or (`module_function`: its helper name) a function of the module;
    neither that nor a `@staticmethod` (`static`) has a `self`. A `@classmethod`'s
    (`class_method`) first parameter is the class: it reads only what the class holds. A
    method of a model or dataclass (`value`: its class) is compiled as a module function."""
    method = (module_function is None and not static) or _first_param(node) == HIDDEN_SELF
    info = _info(node, resolver.namespace, source, method=method, on_class=class_method)
    ctx = Ctx(source, resolver, sink, helpers, info, config=config, functions=called)
    if value is not None and (every := [*node.params.posonly_params, *node.params.params]):
        ctx.value_class = (value, every[0].name.value)
    if on_class is not None:
        ctx.owner = on_class
        ctx.config = on_class.config if class_method else config
    ctx.task_lists = task_lists(node.body, ctx)
    variadic = module_function is not None or node.name.value != "run"
    params = _params(node, ctx, method=method, variadic=variadic)
    return ir.Function(
        name=module_function or node.name.value,
        params=params,
        body=_body(node.body, ctx),
        is_async=node.asynchronous is not None,
        module=resolver.namespace.module,
        span=source.span(node),
    )


def _first_param(node: cst.FunctionDef) -> str | None:
    every = [*node.params.posonly_params, *node.params.params]
    return every[0].name.value if every else None


def _info(
    node: cst.FunctionDef,
    namespace: Namespace,
    source: Source,
    *,
    method: bool,
    on_class: bool = False,
) -> FunctionInfo:
    every = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
    self_name = every[0].name.value if every and method else "" if not method else "self"
    names = set(source.bound.get(node, ()))
    if not names and isinstance(node.body, cst.IndentedBlock):  # a function discovery never saw
        local = Namespace(namespace.module, namespace.package, source, parent=None)
        names = set(scan(local, node.body.body).bindings)
    names.update(p.name.value for p in every)
    for star in (node.params.star_arg, node.params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    is_async = node.asynchronous is not None
    return FunctionInfo(node.name.value, self_name, is_async, frozenset(names), node, on_class)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    strings = cst.SimpleString | cst.ConcatenatedString
    return isinstance(small, cst.Expr) and isinstance(small.value, strings)


def _body(suite: cst.BaseSuite, ctx: Ctx) -> tuple[ir.Stmt, ...]:
    """A method body without its docstring (a docstring alone becomes `pass`)."""
    if not isinstance(suite, cst.IndentedBlock) or not _is_docstring(suite.body[0]):
        return lower_body(suite, ctx)
    if len(suite.body) == 1:
        return (ir.Pass(span=ctx.span(suite.body[0])),)
    return lower_body(suite.with_changes(body=suite.body[1:]), ctx)


def _params(
    node: cst.FunctionDef, ctx: Ctx, *, method: bool = True, variadic: bool = False
) -> tuple[ir.Param, ...]:
    """The parameters after `self`; `*args` and `**kwargs` only where `variadic` (not `run()`,
    whose inputs are stored by name)."""
    params = node.params
    stars = (params.star_arg, params.star_kwarg)
    for bad in (*params.posonly_params, *(() if variadic else stars)):
        if isinstance(bad, cst.Param):
            _refuse_param(bad, ctx, node.name.value)
    every = [*params.posonly_params, *params.params]
    if not method:
        every = [cst.Param(cst.Name("self")), *every]  # no `self` to skip
    if not every:
        help = "methods of a workflow take `self` first"
        ctx.error(
            UNSUPPORTED_PARAMETERS,
            node.name,
            f"`{node.name.value}` has no `self` parameter",
            "no self",
            help,
        )
        return ()
    positional = tuple(_param(p, ctx, keyword_only=False) for p in every[1:])
    keyword = tuple(_param(p, ctx, keyword_only=True) for p in params.kwonly_params)
    args = _star(params.star_arg, "*", ctx) if variadic else ()
    kwargs = _star(params.star_kwarg, "**", ctx) if variadic else ()
    return positional + args + keyword + kwargs


def _refuse_param(param: cst.Param, ctx: Ctx, method: str) -> None:
    help = "take a list or a dict argument instead"
    text = ctx.code(param).rstrip(", ")
    message = f"parameter `{text}` of `{method}` is not supported"
    ctx.error(UNSUPPORTED_PARAMETERS, param, message, "variadic or positional-only", help)


def _star(node: object, star: Literal["*", "**"], ctx: Ctx) -> tuple[ir.Param, ...]:
    """`*args` or `**kwargs` (`star`), when the function has it."""
    if not isinstance(node, cst.Param):
        return ()
    return (dataclasses.replace(_param(node, ctx, keyword_only=False), star=star),)


def _param(node: cst.Param, ctx: Ctx, keyword_only: bool) -> ir.Param:
    name = node.name.value
    if name.startswith(TEMP_PREFIX) and name not in ctx.source.hidden:
        help = f"rename it: names starting with `{TEMP_PREFIX}` are reserved for the compiler"
        ctx.error(RESERVED_NAME, node.name, f"reserved name `{name}`", "reserved", help)
    default = None if node.default is None else _default(node.default, ctx)
    return ir.Param(name=name, default=default, keyword_only=keyword_only, span=ctx.span(node))


def _immutable_standard(qualname: str) -> bool:
    """A constant of a standard module that is one immutable value (`decimal.ROUND_DOWN`,
    `re.IGNORECASE`, `math.pi`, `datetime.UTC`), not the lists `calendar.month_name` and the
    like compile to: a default holds it as Python's one evaluation would."""
    return qualname in PURE_CONSTANTS and not qualname.endswith(("_name", "_abbr"))


def _default(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr | None:
    """A default must be a constant: Python evaluates it once, the runtime once per call."""
    symbol = ctx.symbol(node) if isinstance(node, cst.Name | cst.Attribute) else None
    if is_constant_literal(node) or (isinstance(symbol, ConstSym) and not symbol.table):
        return lower_expr(node, ctx)
    if isinstance(node, cst.Attribute) and isinstance(ctx.symbol(node.value), ClassSym):
        return lower_expr(node, ctx)  # an enum member
    if isinstance(symbol, ExternalSym) and _immutable_standard(symbol.qualname):
        return lower_expr(node, ctx)  # `rounding=ROUND_HALF_UP`, `flags=re.IGNORECASE`
    if isinstance(node, cst.Name) and node.value in ctx.source.hidden:
        return lower_expr(node, ctx)  # a local function's default its value carries (bound)
    help = "default to `None` and assign inside the body"
    ctx.error(
        NON_CONSTANT_DEFAULT,
        node,
        "default value is not a constant",
        "computed or mutable",
        help,
    )
    return None
