"""Static name resolution: what a global name in a workflow body refers to, without importing.

`Resolver.lookup("send_email")` follows the scope's bindings, imports (through `Finder`, across
modules and re-exports) and the builtins, and answers with a `Symbol`: an action, a class of a
known kind, a constant, a module, one of Waymark's own names, or something opaque. It reports no
diagnostics; the lowering phase decides what each symbol may be used for (the symbols are in
`symbols`).
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import libcst as cst

from waymark_compiler.constant_objects import constant_objects, displayed, named_constants
from waymark_compiler.finder import Finder
from waymark_compiler.namespace import (
    Assignment,
    Binding,
    Definition,
    ImportModule,
    ImportName,
    Namespace,
)
from waymark_compiler.partials import partial_function
from waymark_compiler.plain_classes import held_class, plain_or_other
from waymark_compiler.shapes import (
    TABLE_LIMIT,
    enum_aliases,
    enum_members,
    is_constant_literal,
    table_size,
)
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassKind,
    ClassSym,
    ConstSym,
    ExternalSym,
    FunctionSym,
    HeldSym,
    KnownSym,
    LocalSym,
    MissingSym,
    ModuleSym,
    Symbol,
    VariableSym,
)
from waymark_compiler.tables import (
    BUILTIN_EXCEPTIONS,
    BUILTIN_TYPES,
    KNOWN,
    KNOWN_CLASSES,
    KNOWN_EXCEPTIONS,
    OPAQUE_ROOTS,
    Known,
)
from waymark_runtime.vocabulary import PURE_BUILTINS, STANDARD_FUNCTIONS

_CACHES = frozenset({ExternalSym("functools.cache"), ExternalSym("functools.lru_cache")})

_TYPED_DICTS = frozenset({"typing.TypedDict", "typing_extensions.TypedDict"})
_NAMED_TUPLES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
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
        return _variable(namespace, name)

    def _one(self, namespace: Namespace, name: str, binding: Binding) -> Symbol:
        if isinstance(binding, ImportModule):
            return ModuleSym(binding.module)
        if isinstance(binding, ImportName):
            return self.qualified(binding.module, binding.name)
        if isinstance(binding, Definition):
            return self._definition(namespace, binding)
        return self._assignment(namespace, name, binding)

    def _assignment(self, namespace: Namespace, name: str, binding: Assignment) -> Symbol:
        value = binding.value
        if value is None:
            return _variable(namespace, name)
        qualname = f"{namespace.module}.{name}"
        members = self._members(namespace, value)
        held = self._functions(namespace, value)
        resolve, inner_first = self.at(namespace).expression, list(displayed(value))[::-1]
        named = named_constants(inner_first[:-1], resolve)  # not `value`: an alias, below
        objects = constant_objects(inner_first, resolve, {**members, **held, **named})
        leaves = {**members, **held, **named, **objects}
        found = (members, held, objects, named)
        if is_constant_literal(value, lambda node: id(node) in leaves):
            table = bool(objects) or any(c.table for c in named.values())  # fresh on each read
            return ConstSym(value, namespace, qualname, table, *found)
        if self._is_table(namespace, name, value, leaves):
            return ConstSym(value, namespace, qualname, True, *found)
        bound = partial_function(value, resolve, lambda n: id(n) in leaves)
        if bound is not None:  # `TRIPLE = partial(scale, factor=3)`
            return ConstSym(value, namespace, qualname, False, members, bound, objects, named, True)
        if isinstance(value, cst.Name | cst.Attribute):
            alias = self.at(namespace).expression(value)
            if alias is not None and not isinstance(alias, MissingSym):
                return alias
        variable = _variable(namespace, name)
        call = value.func if isinstance(value, cst.Call) and not namespace.qualprefix else None
        made = self.at(namespace).expression(call) if call is not None else None
        if made == _GET_LOGGER:
            return VariableSym(variable.qualname, logger=True)
        factory = made.path if isinstance(made, FunctionSym) else getattr(made, "qualname", "")
        typename = _typename(value) if factory in _NAMED_TUPLE_FACTORIES else None
        if typename is not None and _sole_class(namespace, name, typename):
            # `Point = namedtuple("Point", ...)`, or `P = namedtuple("Point", ...)`: the class
            # is `Point`, by the name it was given
            return ClassSym(f"{namespace.module}:{typename}", "namedtuple", (), None, namespace)
        if typename is not None:
            return VariableSym(variable.qualname, named_tuple=typename)
        functions = self._held_functions(namespace, value)
        if functions:
            return dataclasses.replace(variable, functions=functions)
        classes = self._held_classes(namespace, value)
        return dataclasses.replace(variable, classes=classes) if classes else variable

    def _held_classes(self, namespace: Namespace, value: cst.BaseExpression) -> tuple[Symbol, ...]:
        """The classes a tuple display names (`(int, float)`, `(KeyError, errors.Timeout)`),
        when it names nothing else."""
        if not isinstance(value, cst.Tuple) or not value.elements:
            return ()
        found: list[Symbol] = []
        for element in value.elements:
            if isinstance(element, cst.StarredElement):
                return ()
            symbol = self.at(namespace).expression(element.value)
            if symbol is None or not _is_class(symbol):
                return ()
            found.append(symbol)
        return tuple(found)

    def _held_functions(self, namespace: Namespace, value: cst.BaseExpression) -> tuple[str, ...]:
        """The names of the functions and actions a display holds as items (`{"a": fetch}`,
        `[fetch, send]`), in order: for a table that is not constant (WM142 says why)."""
        if isinstance(value, cst.Dict):
            items = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
        elif isinstance(value, cst.List | cst.Tuple | cst.Set):
            items = [e.value for e in value.elements]
        else:
            return ()
        here = self.at(namespace)
        held = (
            cst.Module([]).code_for_node(item)
            for item in items
            if isinstance(item, cst.Name | cst.Attribute)
            and isinstance(here.expression(item), ActionSym | FunctionSym)
        )
        return tuple(dict.fromkeys(held))

    def _functions(self, namespace: Namespace, value: cst.BaseExpression) -> dict[int, HeldSym]:
        """The actions and functions a constant or a table holds as items
        (`{"search": search, "csv": to_csv}`), by node id (a name bound to one alone is that
        function, an alias)."""
        found: dict[int, HeldSym] = {}
        for node in displayed(value):
            if node is not value and isinstance(node, cst.Name | cst.Attribute):
                function = self.at(namespace).expression(node)
                if isinstance(function, ActionSym | FunctionSym) or held_class(function):
                    found[id(node)] = function
        return found

    def _is_table(
        self,
        namespace: Namespace,
        name: str,
        value: cst.BaseExpression,
        members: Mapping[int, object],
    ) -> bool:
        """A dict, list or set of constants (enum `members` among them) that a module of the
        user's code binds and never changes in place: the module being compiled, or another
        one that neither it nor a compiled module changes (`Finder.imported_table`)."""
        if namespace.qualprefix:
            return False
        size = table_size(value, lambda node: id(node) in members)
        if size > TABLE_LIMIT:
            return False
        if namespace.module in self.finder.compiled:
            return name not in self.finder.changed_names(namespace)
        return self.finder.imported_table(namespace, name)

    def _members(
        self, namespace: Namespace, value: cst.BaseExpression
    ) -> dict[int, tuple[str, str]]:
        """The enum members (`Tier.GOLD`, an alias as its canonical member) that a constant or a
        table names, by node id, with their class path."""
        found: dict[int, tuple[str, str]] = {}
        for node in displayed(value):
            if not isinstance(node, cst.Attribute):
                continue
            enum = self.at(namespace).expression(node.value)
            member = node.attr.value
            if isinstance(enum, ClassSym) and enum.kind == "enum" and member in enum.members:
                aliases = enum_aliases(enum.node) if enum.node is not None else {}
                found[id(node)] = (enum.path, aliases.get(member, member))
        return found

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
        if isinstance(symbol, ExternalSym) and symbol.qualname in _NAMED_TUPLES:
            return "namedtuple"
        return None

    def _nested_class(self, owner: ClassSym, attr: str) -> Symbol | None:
        assert owner.node is not None and owner.namespace is not None
        for statement in owner.node.body.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == attr:
                qualname = f"{owner.path.partition(':')[2]}.{attr}"
                return self._definition(owner.namespace, Definition(statement, qualname))
        return None


_GET_LOGGER = ExternalSym("logging.getLogger")
_NAMED_TUPLE_FACTORIES = _NAMED_TUPLES | {"collections:namedtuple"}
"""`typing.NamedTuple` (of the standard library, not read) and `collections.namedtuple` (read:
a function of the standard library) called to make a class."""


def _typename(value: cst.BaseExpression) -> str | None:
    """The class name a `namedtuple(...)` or `NamedTuple(...)` call gives as its first
    argument, a string literal; else None."""
    first = value.args[0] if isinstance(value, cst.Call) and value.args else None
    if first is None or first.keyword is not None or first.star:
        return None
    found = first.value.evaluated_value if isinstance(first.value, cst.SimpleString) else None
    return found if isinstance(found, str) and found.isidentifier() else None


def _sole_class(namespace: Namespace, name: str, typename: str) -> bool:
    """May the class bound to `name` be known by `typename` (its path names it so, and the
    runner finds it by that path)? Under its own name, always; under another, when the module
    binds `typename` to nothing and makes no other named tuple of that name."""
    if typename == name:
        return True
    if typename in namespace.bindings:
        return False
    others = (b for n, bs in namespace.bindings.items() if n != name for b in bs)
    made = (b.value for b in others if isinstance(b, Assignment) and b.value is not None)
    return all(_typename(value) != typename for value in made)


def _is_class(symbol: Symbol) -> bool:
    if isinstance(symbol, BuiltinSym):
        return symbol.name in BUILTIN_TYPES
    if isinstance(symbol, ExternalSym | KnownSym):
        return symbol.qualname in KNOWN_CLASSES
    return isinstance(symbol, ClassSym) and symbol.kind != "workflow"


def _variable(namespace: Namespace, name: str) -> VariableSym:
    return VariableSym(
        f"{namespace.module}.{namespace.qualprefix}{name}", bool(namespace.qualprefix)
    )


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
