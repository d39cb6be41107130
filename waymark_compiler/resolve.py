"""Static name resolution: what a global name in a workflow body refers to, without importing.

`Resolver.lookup("send_email")` follows the scope's bindings, imports (through `Finder`, across
modules and re-exports) and the builtins, and answers with a `Symbol`: an action, a class of a
known kind, a constant, a module, one of Waymark's own names, or something opaque. It reports no
diagnostics; the lowering phase decides what each symbol may be used for (the symbols are in
`symbols`). What a module-level assignment binds is `assignments`'s to read.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from waymark_compiler.assignments import NAMED_TUPLES, assignment_symbol, variable_symbol
from waymark_compiler.finder import Finder
from waymark_compiler.namespace import Binding, Definition, ImportModule, ImportName, Namespace
from waymark_compiler.plain_classes import plain_or_other
from waymark_compiler.shapes import enum_members
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassKind,
    ClassSym,
    ExternalSym,
    FunctionSym,
    KnownSym,
    LocalSym,
    MissingSym,
    ModuleSym,
    Symbol,
)
from waymark_compiler.tables import (
    BUILTIN_EXCEPTIONS,
    BUILTIN_TYPES,
    KNOWN,
    KNOWN_EXCEPTIONS,
    OPAQUE_ROOTS,
    Known,
)
from waymark_runtime.vocabulary import PURE_BUILTINS, STANDARD_FUNCTIONS

_CACHES = frozenset({ExternalSym("functools.cache"), ExternalSym("functools.lru_cache")})

_TYPED_DICTS = frozenset({"typing.TypedDict", "typing_extensions.TypedDict"})
_KNOWN: dict[Known, ClassKind] = {"BaseModel": "model", "Enum": "enum", "Workflow": "workflow"}
_KIND_PRIORITY: tuple[ClassKind, ...] = (
    "exception",
    "enum",
    "model",
    "dataclass",
    "workflow",
    "typeddict",
    "namedtuple",
)


@dataclass(slots=True)
class Resolver:
    """Resolution in one scope chain; `finder` is shared by every module of one compilation."""

    namespace: Namespace
    finder: Finder
    _active: set[tuple[str, str]] = field(default_factory=set)

    # -- entry points ---------------------------------------------------------------------------

    def lookup(self, name: str) -> Symbol:
        """A global name as seen from this scope: enclosing scopes, module, then builtins."""
        scope: Namespace | None = self.namespace
        while scope is not None:
            if name in scope.bindings:
                return self._in_namespace(scope, name)
            if scope.parent is None and scope.star_imports:
                found = self._in_namespace(scope, name)
                if not isinstance(found, MissingSym):
                    return found
            scope = scope.parent
        return _builtin(name)

    def attribute(self, symbol: Symbol, attr: str) -> Symbol | None:
        """`symbol.attr` for modules and opaque names; None when it is not static."""
        if isinstance(symbol, ModuleSym):
            return self.qualified(symbol.name, attr)
        if isinstance(symbol, ExternalSym):
            return _known(f"{symbol.qualname}.{attr}") or ExternalSym(f"{symbol.qualname}.{attr}")
        if isinstance(symbol, ClassSym) and symbol.node is not None and symbol.namespace:
            return self._nested_class(symbol, attr)
        return None

    def qualified(self, module: str, name: str) -> Symbol:
        """`name` as an attribute of module `module` (`from module import name`)."""
        full = f"{module}.{name}" if module else name
        known = _known(full)
        if known is not None:
            return known
        if module.split(".")[0] in OPAQUE_ROOTS or full in _REBOUND or full in STANDARD_FUNCTIONS:
            return ExternalSym(full)
        target = self.finder.namespace(module)
        if target is None:
            return ExternalSym(full) if module in self.finder.opaque else MissingSym(name, module)
        found = self._in_namespace(target, name)
        if isinstance(found, MissingSym) and self.finder.namespace(full) is not None:
            return ModuleSym(full)
        return found

    def names(self) -> Iterator[str]:
        """Every global name visible from this scope (for "did you mean")."""
        scope: Namespace | None = self.namespace
        while scope is not None:
            yield from scope.bindings
            scope = scope.parent
        yield from PURE_BUILTINS

    # -- bindings --------------------------------------------------------------------------------

    def _in_namespace(self, namespace: Namespace, name: str) -> Symbol:
        key = (f"{namespace.module}:{namespace.qualprefix}", name)
        if key in self._active:
            return MissingSym(name, namespace.module)
        self._active.add(key)
        try:
            return self._binding(namespace, name)
        finally:
            self._active.discard(key)

    def _binding(self, namespace: Namespace, name: str) -> Symbol:
        bindings = namespace.bindings.get(name)
        if not bindings:
            for module in namespace.star_imports:
                found = self.qualified(module, name)
                if not isinstance(found, MissingSym):
                    return found
            return MissingSym(name, namespace.module)
        distinct = list(dict.fromkeys(bindings))  # the same import twice is one binding
        if all(isinstance(b, Definition) for b in distinct) or len(distinct) == 1:
            return self._one(namespace, name, distinct[-1])
        return variable_symbol(namespace, name)

    def _one(self, namespace: Namespace, name: str, binding: Binding) -> Symbol:
        if isinstance(binding, ImportModule):
            return ModuleSym(binding.module)
        if isinstance(binding, ImportName):
            return self.qualified(binding.module, binding.name)
        if isinstance(binding, Definition):
            return self._definition(namespace, binding)
        return assignment_symbol(self, namespace, name, binding)

    def at(self, namespace: Namespace) -> Resolver:
        """A resolver for another namespace sharing this one's finder and cycle guard."""
        return Resolver(namespace, self.finder, self._active)

    def expression(self, node: cst.BaseExpression) -> Symbol | None:
        """The symbol a dotted name (`a`, `mod.Cls.MEMBER`) refers to, if static."""
        if isinstance(node, cst.Name):
            return self.lookup(node.value)
        if isinstance(node, cst.Attribute):
            base = self.expression(node.value)
            return None if base is None else self.attribute(base, node.attr.value)
        return None

    # -- definitions -----------------------------------------------------------------------------

    def _definition(self, namespace: Namespace, binding: Definition) -> Symbol:
        path = f"{namespace.module}:{binding.qualname}"
        node = binding.node
        is_local = "<locals>" in binding.qualname
        if isinstance(node, cst.FunctionDef):
            if any(self._decorator_is(namespace, d, "action") for d in node.decorators):
                return LocalSym(path, "action") if is_local else ActionSym(path)
            cached = bool(node.decorators) and all(
                self._is_cache(namespace, d) for d in node.decorators
            )
            return FunctionSym(path, node.asynchronous is not None, node, namespace, cached)
        kind = self.class_kind(namespace, node)
        if is_local and kind != "workflow":
            return LocalSym(path, "class")
        members = enum_members(node) if kind == "enum" else ()
        return ClassSym(path, kind, members, node, namespace)

    def _decorator(self, namespace: Namespace, decorator: cst.Decorator) -> Symbol | None:
        """What a decorator names, called (`@lru_cache(maxsize=64)`) or not."""
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        return self.at(namespace).expression(target)

    def _decorator_is(self, namespace: Namespace, decorator: cst.Decorator, what: Known) -> bool:
        return self._decorator(namespace, decorator) == KnownSym(what)

    def _is_cache(self, namespace: Namespace, decorator: cst.Decorator) -> bool:
        """`@functools.cache`, `@lru_cache`, `@lru_cache(maxsize=64)`, under any alias."""
        return self._decorator(namespace, decorator) in _CACHES

    def base_kinds(self, namespace: Namespace, node: cst.ClassDef) -> set[ClassKind | None]:
        """The kinds of a class's bases (None for a base that is not of a known kind)."""
        return {self._base_kind(namespace, arg.value) for arg in node.bases if arg.keyword is None}

    def class_kind(self, namespace: Namespace, node: cst.ClassDef) -> ClassKind:
        kinds = self.base_kinds(namespace, node)
        if any(self._decorator_is(namespace, d, "dataclass") for d in node.decorators):
            kinds.add("dataclass")
        found = next((kind for kind in _KIND_PRIORITY if kind in kinds), None)
        return found or plain_or_other(self, namespace, node)

    def _base_kind(self, namespace: Namespace, base: cst.BaseExpression) -> ClassKind | None:
        symbol = self.at(namespace).expression(base)
        if isinstance(symbol, ClassSym):
            return symbol.kind
        if isinstance(symbol, KnownSym):
            return _KNOWN.get(symbol.what)
        if isinstance(symbol, ExternalSym) and symbol.qualname in _TYPED_DICTS:
            return "typeddict"
        if isinstance(symbol, ExternalSym) and symbol.qualname in NAMED_TUPLES:
            return "namedtuple"
        return None

    def _nested_class(self, owner: ClassSym, attr: str) -> Symbol | None:
        assert owner.node is not None and owner.namespace is not None
        for statement in owner.node.body.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == attr:
                qualname = f"{owner.path.partition(':')[2]}.{attr}"
                return self._definition(owner.namespace, Definition(statement, qualname))
        return None


_REBOUND = frozenset({"collections.OrderedDict"})
"""Names their module binds twice (a class, then its C version), which the runtime knows.
(Like the standard functions a workflow may call, they are not read from their module.)"""


def _known(qualname: str) -> Symbol | None:
    if qualname in KNOWN:
        return KnownSym(KNOWN[qualname], qualname)
    if qualname in KNOWN_EXCEPTIONS:
        return ClassSym(KNOWN_EXCEPTIONS[qualname], "exception")
    module, _, name = qualname.rpartition(".")
    if module == "builtins":
        return _builtin(name)
    return None


def _builtin(name: str) -> Symbol:
    if name in BUILTIN_EXCEPTIONS:
        # Aliases (`IOError`) name their class by its real name, as the runtime does.
        return ClassSym(BUILTIN_EXCEPTIONS[name], "exception")
    if name in PURE_BUILTINS:
        return BuiltinSym(name)
    if name in BUILTIN_TYPES:
        return ClassSym(f"builtins:{name}", "builtin")
    if hasattr(builtins, name):
        return ExternalSym(f"builtins.{name}")
    return MissingSym(name)
