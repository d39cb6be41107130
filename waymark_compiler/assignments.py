"""What a module-level assignment binds, read without running it: a constant (a literal, a table
of constants, value objects, a constant `functools.partial`), an alias of another name, a
module's logger, a named tuple class, or a variable, with the functions or classes a display of
it holds (`Resolver.lookup` asks for it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import libcst as cst

from waymark_compiler.constant_objects import constant_objects, displayed, named_constants
from waymark_compiler.namespace import Assignment, Namespace
from waymark_compiler.partials import partial_function
from waymark_compiler.plain_classes import held_class
from waymark_compiler.shapes import TABLE_LIMIT, enum_aliases, is_constant_literal, table_size
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassSym,
    ConstSym,
    ExternalSym,
    FunctionSym,
    HeldSym,
    KnownSym,
    MissingSym,
    Symbol,
    VariableSym,
)
from waymark_compiler.tables import BUILTIN_TYPES, KNOWN_CLASSES

if TYPE_CHECKING:
    from waymark_compiler.resolve import Resolver

NAMED_TUPLES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})


def assignment_symbol(
    resolver: Resolver, namespace: Namespace, name: str, binding: Assignment
) -> Symbol:
    value = binding.value
    if value is None:
        return variable_symbol(namespace, name)
    qualname = f"{namespace.module}.{name}"
    members = _members(resolver, namespace, value)
    held = _functions(resolver, namespace, value)
    resolve, inner_first = resolver.at(namespace).expression, list(displayed(value))[::-1]
    named = named_constants(inner_first[:-1], resolve)  # not `value`: an alias, below
    objects = constant_objects(inner_first, resolve, {**members, **held, **named})
    leaves = {**members, **held, **named, **objects}
    found = (members, held, objects, named)
    if is_constant_literal(value, lambda node: id(node) in leaves):
        table = bool(objects) or any(c.table for c in named.values())  # fresh on each read
        return ConstSym(value, namespace, qualname, table, *found)
    if _is_table(resolver, namespace, name, value, leaves):
        return ConstSym(value, namespace, qualname, True, *found)
    bound = partial_function(value, resolve, lambda n: id(n) in leaves)
    if bound is not None:  # `TRIPLE = partial(scale, factor=3)`
        return ConstSym(value, namespace, qualname, False, members, bound, objects, named, True)
    if isinstance(value, cst.Name | cst.Attribute):
        alias = resolver.at(namespace).expression(value)
        if alias is not None and not isinstance(alias, MissingSym):
            return alias
    variable = variable_symbol(namespace, name)
    call = value.func if isinstance(value, cst.Call) and not namespace.qualprefix else None
    made = resolver.at(namespace).expression(call) if call is not None else None
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
    functions = _held_functions(resolver, namespace, value)
    if functions:
        return dataclasses.replace(variable, functions=functions)
    classes = _held_classes(resolver, namespace, value)
    return dataclasses.replace(variable, classes=classes) if classes else variable


def _held_classes(
    resolver: Resolver, namespace: Namespace, value: cst.BaseExpression
) -> tuple[Symbol, ...]:
    """The classes a tuple display names (`(int, float)`, `(KeyError, errors.Timeout)`),
    when it names nothing else."""
    if not isinstance(value, cst.Tuple) or not value.elements:
        return ()
    found: list[Symbol] = []
    for element in value.elements:
        if isinstance(element, cst.StarredElement):
            return ()
        symbol = resolver.at(namespace).expression(element.value)
        if symbol is None or not _is_class(symbol):
            return ()
        found.append(symbol)
    return tuple(found)


def _held_functions(
    resolver: Resolver, namespace: Namespace, value: cst.BaseExpression
) -> tuple[str, ...]:
    """The names of the functions and actions a display holds as items (`{"a": fetch}`,
    `[fetch, send]`), in order: for a table that is not constant (WM142 says why)."""
    if isinstance(value, cst.Dict):
        items = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
    elif isinstance(value, cst.List | cst.Tuple | cst.Set):
        items = [e.value for e in value.elements]
    else:
        return ()
    here = resolver.at(namespace)
    held = (
        cst.Module([]).code_for_node(item)
        for item in items
        if isinstance(item, cst.Name | cst.Attribute)
        and isinstance(here.expression(item), ActionSym | FunctionSym)
    )
    return tuple(dict.fromkeys(held))


def _functions(
    resolver: Resolver, namespace: Namespace, value: cst.BaseExpression
) -> dict[int, HeldSym]:
    """The actions and functions a constant or a table holds as items
    (`{"search": search, "csv": to_csv}`), by node id (a name bound to one alone is that
    function, an alias)."""
    found: dict[int, HeldSym] = {}
    for node in displayed(value):
        if node is not value and isinstance(node, cst.Name | cst.Attribute):
            function = resolver.at(namespace).expression(node)
            if isinstance(function, ActionSym | FunctionSym) or held_class(function):
                found[id(node)] = function
    return found


def _is_table(
    resolver: Resolver,
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
    if namespace.module in resolver.finder.compiled:
        return name not in resolver.finder.changed_names(namespace)
    return resolver.finder.imported_table(namespace, name)


def _members(
    resolver: Resolver, namespace: Namespace, value: cst.BaseExpression
) -> dict[int, tuple[str, str]]:
    """The enum members (`Tier.GOLD`, an alias as its canonical member) that a constant or a
    table names, by node id, with their class path."""
    found: dict[int, tuple[str, str]] = {}
    for node in displayed(value):
        if not isinstance(node, cst.Attribute):
            continue
        enum = resolver.at(namespace).expression(node.value)
        member = node.attr.value
        if isinstance(enum, ClassSym) and enum.kind == "enum" and member in enum.members:
            aliases = enum_aliases(enum.node) if enum.node is not None else {}
            found[id(node)] = (enum.path, aliases.get(member, member))
    return found


_GET_LOGGER = ExternalSym("logging.getLogger")


_NAMED_TUPLE_FACTORIES = NAMED_TUPLES | {"collections:namedtuple"}
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


def variable_symbol(namespace: Namespace, name: str) -> VariableSym:
    return VariableSym(
        f"{namespace.module}.{namespace.qualprefix}{name}", bool(namespace.qualprefix)
    )
