"""Configuration a workflow class holds on `self`: class attributes and `self.x = ...` in
`__init__`, when each is a constant, so that `self.x` in `run()` means the same value in every
process that resumes the instance.

`run()` resumes in processes where the object that started it does not exist, so only values
fixed by the source can be read back: constant literals and module-level constants. Anything
else in `__init__` (parameters, computed or mutable values, other statements) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import libcst as cst

from waymark_compiler.context import Setting
from waymark_compiler.diagnostics import Sink
from waymark_compiler.namespace import Namespace
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.workflow import SELF_READ
from waymark_compiler.shapes import is_constant_literal
from waymark_compiler.source import Source
from waymark_compiler.symbols import ConstSym

Config = dict[str, Setting]

_HELP = (
    "set it to a constant (a literal or a module-level constant), or pass the value as an "
    "argument of `run()`"
)


def class_config(
    classes: Sequence[tuple[cst.ClassDef, Namespace]],
    init: tuple[cst.FunctionDef, Namespace] | None,
    resolver: Resolver,
    sink: Callable[[Namespace], Sink],
) -> Config:
    """What `self.<name>` reads: class attributes (bases first), then `__init__`'s assignments,
    each read in the module that defines it."""
    config: Config = {}
    for node, namespace in reversed(classes):  # a subclass's attribute overrides its base's
        here = resolver.at(namespace)
        for statement in node.body.body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                _class_attribute(small, here, namespace.source, config)
    if init is not None:
        method, namespace = init
        _init_body(method, resolver.at(namespace), namespace.source, sink(namespace), config)
    return config


def _class_attribute(
    small: cst.BaseSmallStatement, resolver: Resolver, source: Source, config: Config
) -> None:
    target, value = _assignment(small)
    if isinstance(target, cst.Name) and value is not None:
        constant = _constant(value, resolver, source)
        config[target.value] = constant or Setting(value, source, constant=False)


def _assignment(
    small: cst.BaseSmallStatement,
) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        return small.targets[0].target, small.value
    if isinstance(small, cst.AnnAssign):
        return small.target, small.value
    return None, None


def _constant(value: cst.BaseExpression, resolver: Resolver, source: Source) -> Setting | None:
    """`value` when it is a constant literal (written in `source`), or the value of the
    module-level constant it names (in that constant's module)."""
    if is_constant_literal(value):
        return Setting(value, source)
    symbol = resolver.expression(value) if isinstance(value, cst.Name | cst.Attribute) else None
    if isinstance(symbol, ConstSym):
        return Setting(symbol.value, symbol.namespace.source)
    return None


def _init_body(
    init: cst.FunctionDef, resolver: Resolver, source: Source, sink: Sink, config: Config
) -> None:
    params = init.params
    extra = [*params.posonly_params, *params.params[1:], *params.kwonly_params]
    if extra or isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
        help = "the runtime never calls `__init__` with arguments: pass them to `run()` instead"
        message = "`__init__` of a workflow takes parameters"
        sink.error(SELF_READ, source.span(init.params), message, "parameters", help)
        return
    self_name = params.params[0].name.value if params.params else "self"
    body = init.body.body if isinstance(init.body, cst.IndentedBlock) else ()
    for statement in body:
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
        for small in smalls:
            _init_statement(small, self_name, resolver, source, sink, config)


def _init_statement(
    small: cst.CSTNode,
    self_name: str,
    resolver: Resolver,
    source: Source,
    sink: Sink,
    config: Config,
) -> None:
    if isinstance(small, cst.Pass) or _is_docstring_or_super(small):
        return
    target, value = (
        _assignment(small) if isinstance(small, cst.BaseSmallStatement) else (None, None)
    )
    is_self_attribute = (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == self_name
    )
    if not is_self_attribute or value is None or not isinstance(target, cst.Attribute):
        message = "`__init__` of a workflow may only set `self.<name>` to constants"
        sink.error(SELF_READ, source.span(small), message, "not configuration", _HELP)
        return
    constant = _constant(value, resolver, source)
    if constant is None:
        message = f"`self.{target.attr.value}` is not set to a constant"
        sink.error(SELF_READ, source.span(value), message, "not a constant", _HELP)
        constant = Setting(value, source, constant=False)
    config.pop(target.attr.value, None)  # in `__init__`'s order, as `vars(self)` lists them
    config[target.attr.value] = constant


def _is_docstring_or_super(small: cst.CSTNode) -> bool:
    if not isinstance(small, cst.Expr):
        return False
    value = small.value
    if isinstance(value, cst.SimpleString | cst.ConcatenatedString):
        return True
    return (  # super().__init__()
        isinstance(value, cst.Call)
        and not value.args
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "__init__"
        and isinstance(value.func.value, cst.Call)
        and isinstance(value.func.value.func, cst.Name)
        and value.func.value.func.value == "super"
        and not value.func.value.args
    )
