"""Discovery: the `@workflow` classes of a module, wherever they are defined.

A class counts when one of its decorators resolves to `waymark.workflow` under any import
alias. Classes defined inside functions (common in tests) see their enclosing functions' names,
as in Python. Discovery lowers nothing and reports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from waymark_compiler.namespace import Assignment, Namespace, scan
from waymark_compiler.resolve import Resolver
from waymark_compiler.symbols import KnownSym
from waymark_compiler.tables import Known
from waymark_compiler.walk import EXPRESSIONS, Reader, walk


@dataclass(frozen=True, slots=True)
class WorkflowClass:
    node: cst.ClassDef
    qualname: str
    namespace: Namespace  # the scope its methods resolve global names in


class _Finder(Reader):
    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.scopes: list[tuple[str, Namespace]] = [("", resolver.namespace)]
        self.found: list[WorkflowClass] = []
        self.sync_actions: list[cst.FunctionDef] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Definitions are statements and no expression holds one: expressions (a table of
        # 100,000 items) are not walked.
        return type(node) not in EXPRESSIONS and super().on_visit(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        prefix, parent = self.scopes[-1]
        if node.asynchronous is None:
            resolver = self.resolver.at(parent)
            if any(_is_known(resolver, d, "action") for d in node.decorators):
                self.sync_actions.append(node)
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
        if any(_is_known(resolver, d, "workflow") for d in node.decorators):
            self.found.append(WorkflowClass(node, qualname, namespace))
        # Class bodies are not enclosing scopes for their methods, as in Python.
        self.scopes.append((f"{qualname}.", namespace))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()


def _is_known(resolver: Resolver, decorator: cst.Decorator, what: Known) -> bool:
    target = decorator.decorator
    if isinstance(target, cst.Call):
        target = target.func
    return resolver.expression(target) == KnownSym(what)


def discover(resolver: Resolver) -> tuple[list[WorkflowClass], list[cst.FunctionDef]]:
    """Every `@workflow` class in the resolver's module, in source order, and every `@action`
    that is a plain `def` (refused: workers await actions)."""
    finder = _Finder(resolver)
    walk(resolver.namespace.source.module, finder)
    return finder.found, finder.sync_actions
