"""The names a module (or an enclosing function) binds, read statically from its libcst tree.

A `Namespace` records, for each name, every statement that binds it: imports, `def`, `class` and
assignments. It decides nothing about what a name means (that is `resolve`); it never imports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from waymark_compiler.source import Source
from waymark_compiler.walk import EXPRESSIONS, Reader, walk


@dataclass(frozen=True, slots=True)
class ImportModule:
    """`import a.b` binds `a` to module `a`; `import a.b as c` binds `c` to module `a.b`."""

    module: str


@dataclass(frozen=True, slots=True)
class ImportName:
    """`from module import name`."""

    module: str
    name: str


@dataclass(frozen=True, slots=True)
class Definition:
    node: cst.FunctionDef | cst.ClassDef
    qualname: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """`name = value`; `value` is None for any other binding (loop target, `+=`, `global`)."""

    value: cst.BaseExpression | None


Binding = ImportModule | ImportName | Definition | Assignment


@dataclass(slots=True)
class Namespace:
    """The bindings of one scope; `parent` is the enclosing scope (None for a module)."""

    module: str
    package: str
    source: Source
    qualprefix: str = ""
    parent: Namespace | None = None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


def absolute_module(namespace: Namespace, node: cst.ImportFrom) -> str:
    """The absolute dotted name of `from <module> import ...`, relative imports resolved."""
    target = get_full_name_for_node(node.module) if node.module is not None else ""
    level = len(node.relative)
    if level == 0:
        return target or ""
    base = namespace.package.split(".") if namespace.package else []
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, target] if target else base)


def _import(namespace: Namespace, node: cst.Import) -> None:
    for alias in node.names:
        dotted = get_full_name_for_node(alias.name) or ""
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            namespace.bind(alias.asname.name.value, ImportModule(dotted))
        else:
            head = dotted.split(".")[0]
            namespace.bind(head, ImportModule(head))


def _import_from(namespace: Namespace, node: cst.ImportFrom) -> None:
    module = absolute_module(namespace, node)
    if isinstance(node.names, cst.ImportStar):
        namespace.star_imports.append(module)
        return
    for alias in node.names:
        name = get_full_name_for_node(alias.name) or ""
        bound = name
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            bound = alias.asname.name.value
        namespace.bind(bound, ImportName(module, name))


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """Names bound by an assignment target (`a`, `a, (b, *c)`); subscripts bind nothing."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def _unpacked(node: cst.Assign) -> list[tuple[str, cst.BaseExpression]] | None:
    """`a, b = x, y` (one target, names only, as many as the values, no `*`): each name with
    its value; None for any other assignment."""
    if len(node.targets) != 1:
        return None
    target, value = node.targets[0].target, node.value
    if not isinstance(target, cst.Tuple | cst.List) or not isinstance(value, cst.Tuple | cst.List):
        return None
    names, values = target.elements, value.elements
    if len(names) != len(values):
        return None
    pairs: list[tuple[str, cst.BaseExpression]] = []
    for name, item in zip(names, values, strict=True):
        if not isinstance(name, cst.Element) or not isinstance(name.value, cst.Name):
            return None
        if not isinstance(item, cst.Element):
            return None
        pairs.append((name.value.value, item.value))
    return pairs


class _Scanner(Reader):
    """Walks one scope's statements, stopping at nested functions and classes. An expression
    binds a name only with `:=`: in a source that never writes it, expressions (a table of
    100,000 items, 10,000 lines of arithmetic) are not walked."""

    def __init__(self, namespace: Namespace) -> None:
        self.ns = namespace
        self.expressions = ":=" in namespace.source.text

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not self.expressions and type(node) in EXPRESSIONS:
            return False
        return super().on_visit(node)

    def _define(self, node: cst.FunctionDef | cst.ClassDef) -> bool:
        qualname = f"{self.ns.qualprefix}{node.name.value}"
        self.ns.bind(node.name.value, Definition(node, qualname))
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._define(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._define(node)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        _import(self.ns, node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        _import_from(self.ns, node)
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        pairs = _unpacked(node)
        if pairs is not None:  # `LOW, HIGH = 2, 40`: each name bound to its own value
            for name, value in pairs:
                self.ns.bind(name, Assignment(value))
            return
        single = len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
        for target in node.targets:
            for name in target_names(target.target):
                self.ns.bind(name, Assignment(node.value if single else None))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.ns.bind(node.target.value, Assignment(node.value))

    def _rebind(self, target: cst.BaseExpression) -> None:
        for name in target_names(target):
            self.ns.bind(name, Assignment(None))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._rebind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._rebind(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        if not isinstance(node.name, cst.Name | cst.Tuple | cst.List):
            return
        self._rebind(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._rebind(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._rebind(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._rebind(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._rebind(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self._rebind(node.rest)


class _Globals(Reader):
    """Names declared `global` anywhere in the module: they can change at run time."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        # `global` is a statement: expressions (a table of 100,000 items) are not walked.
        return type(node) not in EXPRESSIONS and super().on_visit(node)

    def visit_Global(self, node: cst.Global) -> None:
        self.names.update(item.name.value for item in node.names)


def scan(namespace: Namespace, body: Sequence[cst.CSTNode]) -> Namespace:
    """Fill `namespace` with the bindings of `body` (one scope's statements)."""
    scanner = _Scanner(namespace)
    for statement in body:
        walk(statement, scanner)
    return namespace


def module_namespace(source: Source, module: str, is_package: bool) -> Namespace:
    package = module if is_package else module.rpartition(".")[0]
    namespace = scan(Namespace(module, package, source), source.module.body)
    declared = _Globals()
    walk(source.module, declared)
    for name in declared.names:
        namespace.bind(name, Assignment(None))
    return namespace
