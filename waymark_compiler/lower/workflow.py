"""Lowering one `@workflow` class: its `run()` and helper methods into an `ir.Workflow`.

Checks the class's shape (a `Workflow` subclass, `async def run`, undecorated helper methods,
a literal `name`) and gathers the methods, the module functions they call and the properties
they read; each is lowered by `methods.lower_function`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import libcst as cst

from waymark_compiler.context import ClassLevel, ModuleFunctions
from waymark_compiler.diagnostics import Sink
from waymark_compiler.discover import WorkflowClass
from waymark_compiler.lower.class_functions import class_level_function
from waymark_compiler.lower.config import class_config
from waymark_compiler.lower.inherited import chain_methods, class_chain
from waymark_compiler.lower.local_functions import (
    Origin,
    hoist_in_function,
    hoist_local_functions,
)
from waymark_compiler.lower.memos import memo_of
from waymark_compiler.lower.methods import lower_function
from waymark_compiler.lower.properties import dispatcher, method_dispatcher, module_properties
from waymark_compiler.namespace import Namespace
from waymark_compiler.resolve import Resolver
from waymark_compiler.rules.workflow import WORKFLOW_SHAPE
from waymark_compiler.shapes import is_class_level, is_class_method, is_static_method
from waymark_compiler.symbols import FunctionSym
from waymark_runtime import ir
from waymark_runtime.vocabulary import FORMATTING, PURE_METHODS


def lower_workflow(found: WorkflowClass, resolver: Resolver, sink: Sink) -> ir.Workflow:
    node, source = found.node, found.namespace.source
    sinks = _Sinks(sink)
    classes = class_chain(found.node, found.namespace, resolver)
    chained = chain_methods([(cls, namespace.source) for cls, namespace in classes])
    every = [(method, classes[index][1]) for method, index, _ in chained]
    init = next((m for m in every if m[0].name.value == "__init__"), None)
    methods = [m for m in every if m is not init]
    _check_shape(found, methods, resolver, sinks)
    taken = {m.name.value for m, _ in every}
    owners = [found.qualname, *(cls.name.value for cls, _ in classes[1:])]
    origins = {
        method.name.value: Origin(f"{owners[index]}.{own}", bound=not is_static_method(method))
        for method, index, own in chained
    }
    methods = hoist_local_functions(methods, taken, sinks.of, origins)
    config = class_config(classes, init, resolver, sinks.of)
    helpers = {
        m.name.value: m.asynchronous is not None for m, _ in methods if m.name.value != "run"
    }
    on_class = ClassLevel(
        f"{found.namespace.module}:{found.qualname}",
        class_config(classes, None, resolver, sinks.of),
        frozenset(m.name.value for m, _ in methods if is_class_level(m)),
    )
    called = ModuleFunctions(found.namespace.module, taken)
    called.properties = module_properties(found.namespace, resolver)
    functions = [
        lower_function(
            m,
            ns.source,
            resolver.at(ns),
            sinks.of(ns),
            helpers,
            config,
            called,
            static=is_static_method(m),
            on_class=on_class,
            class_method=is_class_method(m),
        )
        for m, ns in methods
    ]
    properties = called.properties
    while called.pending or properties.pending:  # what they call, and what that calls
        if called.pending:
            symbol = called.pending.pop(0)
            origins[called.names[symbol.path]] = Origin(symbol.path.partition(":")[2], False)
            functions += _module_function(symbol, resolver, sinks, called, origins)
        else:
            functions += _properties(properties.pending.pop(0), resolver, sinks, called)
    sinks.merge()
    functions = [_named(f, origins.get(f.name)) for f in functions]
    home = found.namespace.module  # the functions of other modules keep the name of theirs
    functions = [dataclasses.replace(f, module="") if f.module == home else f for f in functions]
    run = next((f for f in functions if f.name == "run"), None)
    if run is None:
        run = ir.Function(name="run", params=(), body=(ir.Pass(),))
    return ir.Workflow(
        name=workflow_name(found, sink) or node.name.value,
        run=run,
        helpers=tuple(f for f in functions if f.name != "run"),
        span=source.span(node),
    )


def _named(function: ir.Function, origin: Origin | None) -> ir.Function:
    """`function` with the name CPython's argument errors give it and whether they count a
    `self` (a property's helper, which user code never calls, keeps neither)."""
    if origin is None:
        return function
    return dataclasses.replace(
        function, qualname=origin.qualname, bound=origin.bound, closure=origin.closure
    )


class _Sinks:
    """Where each module's diagnostics go: the workflow's module's to the compilation's sink,
    another module's (a base class's methods, a function it imports) to one of that file's,
    merged in at the end (each diagnostic names its own file and line)."""

    def __init__(self, main: Sink) -> None:
        self.main = main
        self.others: dict[str, Sink] = {}

    def of(self, namespace: Namespace) -> Sink:
        path = namespace.source.path
        return self.main if path == self.main.path else self.others.setdefault(path, Sink(path))

    def merge(self) -> None:
        for other in self.others.values():
            self.main.items += other.items
        self.others.clear()


def _module_function(
    symbol: FunctionSym,
    resolver: Resolver,
    sinks: _Sinks,
    called: ModuleFunctions,
    origins: dict[str, Origin],
) -> list[ir.Function]:
    """A module function a method calls, compiled in its own module (names in it mean what
    they mean there), and the helpers its nested functions become; what refuses it is
    reported at its line in its own file."""
    namespace = symbol.namespace
    assert symbol.node is not None and namespace is not None
    name = called.names[symbol.path]
    here, own = resolver.at(namespace), sinks.of(namespace)
    hoisted = hoist_in_function(symbol.node, name, namespace, called.taken, sinks.of, origins)
    helpers = {f.name.value: f.asynchronous is not None for f in hoisted[1:]}
    names = [name, *helpers]
    function, *nested = [
        lower_function(f, namespace.source, here, own, helpers, {}, called, helper)
        for f, helper in zip(hoisted, names, strict=True)
    ]
    return [dataclasses.replace(function, memo=memo_of(symbol, resolver, own)), *nested]


def _properties(
    attr: str, resolver: Resolver, sinks: _Sinks, called: ModuleFunctions
) -> list[ir.Function]:
    """The helpers of the properties named `attr` and the one dispatching between them; a
    property whose body does not compile is left out: on its class's instances (a subclass's
    override of a compiled property included) reading it stays a plain attribute, which the
    runtime computes on a real object."""
    assert called.properties is not None
    if attr.endswith("()"):
        return _methods(attr, resolver, sinks, called)
    out: list[ir.Function] = []
    dispatch: list[tuple[str, str | None]] = []
    for found in called.properties.found[attr]:
        owner, namespace = found.owner, found.owner.namespace
        assert namespace is not None
        scratch = Sink(namespace.source.path)
        name = called.fresh(f"{found.owner.name}_{attr}")
        here = resolver.at(namespace)
        compiled = lower_function(found.node, namespace.source, here, scratch, {}, {}, called, name)
        if not scratch.failed:
            out.append(compiled)
        dispatch.append((owner.path, None if scratch.failed else name))
    return [*out, dispatcher(called.properties.helpers[attr], attr, dispatch)]


def _methods(
    key: str, resolver: Resolver, sinks: _Sinks, called: ModuleFunctions
) -> list[ir.Function]:
    """The helpers of the methods filed under `key` (`move()`) and the one dispatching between
    them. What refuses a method's body is reported at its lines (a method may change its
    object, which a real object rebuilt from the value could not hand back), except for a
    method named like a pure method of a builtin value (`add`, `get`): that one is left out,
    so the call stays the pure method's, as it was before the class had the method."""
    assert called.properties is not None
    method = key.removesuffix("()")
    shared = method in PURE_METHODS or method in FORMATTING
    out: list[ir.Function] = []
    dispatch: list[tuple[str, str, bool]] = []
    for found in called.properties.found[key]:
        namespace = found.owner.namespace
        assert namespace is not None
        if found.static:  # `self.money(x)`: the class's `@staticmethod`, as `Rule.money(x)`
            symbol = class_level_function(found.owner, method, resolver)
            helper = None if symbol is None or shared else called.helper(symbol)
            if helper is not None:
                dispatch.append((found.owner.path, helper, True))
            continue
        name = called.own_method(found.owner.path, found.owner.name, method)
        assert name is not None
        here = resolver.at(namespace)
        sink = Sink(namespace.source.path) if shared else sinks.of(namespace)
        compiled = lower_function(
            found.node, namespace.source, here, sink, {}, {}, called, name, value=found.owner
        )
        if not (shared and sink.failed):
            out.append(compiled)
            dispatch.append((found.owner.path, name, False))
    return [*out, method_dispatcher(called.properties.helpers[key], method, dispatch)]


def workflow_name(found: WorkflowClass, sink: Sink) -> str | None:
    """The class attribute `name = "..."`, if the class body defines one."""
    for statement in found.node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            value = _name_value(small)
            if value is None:
                continue
            if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                return value.evaluated_value
            span = found.namespace.source.span(value)
            help = 'write the name as a string literal: `name = "welcome_email"`'
            sink.error(
                WORKFLOW_SHAPE,
                span,
                "workflow `name` is not a string literal",
                "not a literal",
                help,
            )
    return None


def _name_value(small: cst.BaseSmallStatement) -> cst.BaseExpression | None:
    if isinstance(small, cst.Assign) and [_is_name(t.target) for t in small.targets] == [True]:
        return small.value
    if isinstance(small, cst.AnnAssign) and _is_name(small.target):
        return small.value
    return None


def _is_name(target: cst.BaseExpression) -> bool:
    return isinstance(target, cst.Name) and target.value == "name"


def _check_shape(
    found: WorkflowClass,
    methods: Sequence[tuple[cst.FunctionDef, Namespace]],
    resolver: Resolver,
    sinks: _Sinks,
) -> None:
    source, sink = found.namespace.source, sinks.of(found.namespace)
    node = found.node
    kind = resolver.at(found.namespace).class_kind(found.namespace, node)
    if kind != "workflow":
        help = "subclass `waymark.Workflow`: `class X(Workflow):`"
        message = f"@workflow class `{node.name.value}` does not subclass `Workflow`"
        sink.error(WORKFLOW_SHAPE, source.span(node.name), message, "not a Workflow", help)
    run, home = next(((m, ns) for m, ns in methods if m.name.value == "run"), (None, None))
    if run is None or home is None:
        help = "define `async def run(self, ...)`"
        sink.error(
            WORKFLOW_SHAPE,
            source.span(node.name),
            "workflow has no `run` method",
            "no run()",
            help,
        )
    elif run.asynchronous is None:
        help = "make it `async def run(self, ...)`"
        sinks.of(home).error(
            WORKFLOW_SHAPE,
            home.source.span(run.name),
            "`run` is not `async def`",
            "not async",
            help,
        )
    for method, namespace in methods:
        for decorator in method.decorators:
            if is_class_level(method) and method is not run:  # `run` takes `self`
                continue
            help = (
                "remove the decorator; helper methods are plain methods, `@staticmethod`s "
                "or `@classmethod`s"
            )
            message = f"decorated method `{method.name.value}` in a workflow"
            span = namespace.source.span(decorator)
            sinks.of(namespace).error(WORKFLOW_SHAPE, span, message, "decorator", help)
