"""Discovery: the `@workflow` classes of a module, wherever they are defined.

A class counts when one of its decorators resolves to `waymark.workflow` under any import
alias, alone or called (`@workflow(concurrency=...)`). A decorator that applies `workflow` in
another form (`@(lambda c: workflow(c))`, `@factory()(workflow)`), and a decorator of a
`Workflow` subclass that is not a (called) dotted name (`@table[0]`), are noted as unread: the
class may become a workflow at import, which the source alone cannot tell. Classes defined
inside functions (common in tests) see their enclosing functions' names, as in Python.
Discovery lowers nothing and reports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from waymark_compiler.namespace import Assignment, Namespace, scan
from waymark_compiler.resolve import Resolver
from waymark_compiler.symbols import ClassSym, FunctionSym, KnownSym
from waymark_compiler.tables import Known
from waymark_compiler.walk import EXPRESSIONS, Reader, children, walk


@dataclass(frozen=True, slots=True)
class WorkflowClass:
    node: cst.ClassDef
    qualname: str
    namespace: Namespace  # the scope its methods resolve global names in


@dataclass(frozen=True, slots=True)
class Unread:
    """A class with a decorator the compiler cannot read as `@workflow`: one that applies
    `workflow` in another form (`applies`), or any unreadable one of a `Workflow` subclass."""

    found: WorkflowClass
    decorator: cst.Decorator
    applies: bool


@dataclass(frozen=True, slots=True)
class Discovered:
    workflows: list[WorkflowClass]
    sync_actions: list[cst.FunctionDef]  # `@action` on a plain `def` (refused)
    unread: list[Unread]
    workflow_functions: list[cst.FunctionDef]  # `@workflow` on a function (refused)


class _Finder(Reader):
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.scopes: list[tuple[str, Namespace]] = [("", resolver.namespace)]
        self.found: list[WorkflowClass] = []
        self.sync_actions: list[cst.FunctionDef] = []
        self.unread: list[Unread] = []
        self.workflow_functions: list[cst.FunctionDef] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Definitions are statements and no expression holds one: expressions (a table of
        # 100,000 items) are not walked.
        return type(node) not in EXPRESSIONS and super().on_visit(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        prefix, parent = self.scopes[-1]
        resolver = self.resolver.at(parent)
        if node.asynchronous is None and any(
            _is_known(resolver, d, "action") for d in node.decorators
        ):
            self.sync_actions.append(node)
        if any(_is_known(resolver, d, "workflow") for d in node.decorators):
            self.workflow_functions.append(node)
        qualprefix = f"{prefix}{node.name.value}.<locals>."
        inner = Namespace(parent.module, parent.package, parent.source, qualprefix, parent)
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            inner.bind(param.name.value, Assignment(None))
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
        self.scopes.append((qualprefix, scan(inner, body)))
        parent.source.bound[node] = frozenset(inner.bindings)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        prefix, namespace = self.scopes[-1]
        qualname = f"{prefix}{node.name.value}"
        resolver = self.resolver.at(namespace)
        found = WorkflowClass(node, qualname, namespace)
        if any(_is_known(resolver, d, "workflow") for d in node.decorators):
            self.found.append(found)
        else:
            self._note_unread(resolver, found)
        # Class bodies are not enclosing scopes for their methods, as in Python.
        self.scopes.append((f"{qualname}.", namespace))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def _note_unread(self, resolver: Resolver, found: WorkflowClass) -> None:
        # `workflow` applied to a class that is not a `Workflow` subclass raises TypeError at
        # import, whatever the form: only a subclass can be a workflow the source hides.
        if "workflow" not in resolver.base_kinds(found.namespace, found.node):
            return
        for decorator in found.node.decorators:
            if _names_workflow(resolver, decorator.decorator) or _calls_workflow(
                resolver, decorator.decorator
            ):
                self.unread.append(Unread(found, decorator, applies=True))
                return
        for decorator in found.node.decorators:
            if not _dotted(decorator.decorator):
                self.unread.append(Unread(found, decorator, applies=False))
                return


def _is_known(resolver: Resolver, decorator: cst.Decorator, what: Known) -> bool:
    target = decorator.decorator
    if isinstance(target, cst.Call):
        target = target.func
    return resolver.expression(target) == KnownSym(what)


def _names_workflow(resolver: Resolver, expression: cst.CSTNode) -> bool:
    """Whether `workflow` is named anywhere in a decorator's expression."""
    pending = [expression]
    while pending:
        node = pending.pop()
        if _is_workflow_name(resolver, node):
            return True
        pending.extend(node.children)
    return False


def _is_workflow_name(resolver: Resolver, node: cst.CSTNode) -> bool:
    if not isinstance(node, cst.Name | cst.Attribute):
        return False
    return resolver.expression(node) == KnownSym("workflow")


_DEFINITIONS_READ = 64
"""How many definitions `_calls_workflow` reads through, at most, for one decorator."""


def _calls_workflow(resolver: Resolver, expression: cst.BaseExpression) -> bool:
    """Whether a decorator is (a call of) a function or class of the user's code whose body
    names `workflow`, itself or through the functions it names (`def register(cls): return
    workflow(cls)`): importing the module then applies `workflow` out of the compiler's sight."""
    target = expression.func if isinstance(expression, cst.Call) else expression
    pending = [resolver.expression(target)]
    seen: set[int] = set()
    while pending and len(seen) < _DEFINITIONS_READ:
        symbol = pending.pop()
        if not isinstance(symbol, FunctionSym | ClassSym) or symbol.node is None:
            continue
        if symbol.namespace is None or id(symbol.node) in seen:
            continue
        seen.add(id(symbol.node))
        here = resolver.at(symbol.namespace)
        for name in _names(symbol.node.body):
            named = here.expression(name)
            if named == KnownSym("workflow"):
                return True
            if isinstance(named, FunctionSym):  # classes named in a body are not followed
                pending.append(named)
    return False


def _names(body: cst.CSTNode) -> Iterator[cst.Name | cst.Attribute]:
    """The names and dotted names in a definition's body (its decorators are not in it)."""
    pending = [body]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Name | cst.Attribute):
            yield node
        pending.extend(children(node))


def _dotted(expression: cst.BaseExpression) -> bool:
    """`name`, `a.b.name`, or a call of one: a decorator the compiler can read."""
    if isinstance(expression, cst.Call):
        expression = expression.func
    while isinstance(expression, cst.Attribute):
        expression = expression.value
    return isinstance(expression, cst.Name)


def discover(resolver: Resolver) -> Discovered:
    """Every `@workflow` class in the resolver's module, in source order; every `@action` that
    is a plain `def` (refused: workers await actions); every class whose decorator may make it
    a workflow in a form the compiler cannot read; and every function under `@workflow`."""
    finder = _Finder(resolver)
    walk(resolver.namespace.source.module, finder)
    return Discovered(finder.found, finder.sync_actions, finder.unread, finder.workflow_functions)
