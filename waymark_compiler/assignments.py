"""What a module-level assignment binds, read without running it: a constant (a literal, a table
of constants, value objects, a constant `functools.partial`), an alias of another name, a
module's logger, a named tuple class, or a variable, with the functions or classes a display of
it holds (`Resolver.lookup` asks for it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

import libcst as cst

from waymark_compiler.constant_objects import ConstantParts, constant_parts, is_exception
from waymark_compiler.folding import fold_constants
from waymark_compiler.namespace import Assignment, Namespace
from waymark_compiler.partials import partial_function, unbound_argument
from waymark_compiler.plain_classes import slotted_class
from waymark_compiler.shapes import TABLE_LIMIT, is_constant_literal, table_size
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassSym,
    ConstSym,
    ExternalSym,
    FunctionSym,
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
    value = fold_constants(value, namespace, lambda there: resolver.at(there).expression)
    resolve = resolver.at(namespace).expression
    parts = constant_parts(value, resolve)
    found = (parts.members, parts.functions, parts.objects, parts.constants)
    classes = _held_classes(value, parts)
    if any(is_exception(held) for held in classes):  # `except RETRYABLE:`, as if written there
        return dataclasses.replace(variable_symbol(namespace, name), classes=classes)
    if is_constant_literal(value, parts.leaf):
        table = bool(parts.objects) or any(c.table for c in parts.constants.values())
        return ConstSym(value, namespace, qualname, table, *found)  # (a table: fresh each read)
    if _is_table(resolver, namespace, name, value, parts.leaf):
        return ConstSym(value, namespace, qualname, True, *found)
    bound = partial_function(value, resolve, parts)
    if bound is not None:  # `TRIPLE = partial(scale, factor=3)`
        held = (parts.members, bound, parts.objects, parts.constants)
        return ConstSym(value, namespace, qualname, False, *held, True)
    if isinstance(value, cst.Name | cst.Attribute):
        alias = resolver.at(namespace).expression(value)
        if alias is not None and not isinstance(alias, MissingSym):
            return alias
    variable = variable_symbol(namespace, name)
    if (unbound := unbound_argument(value, resolve, parts)) is not None:
        argument = cst.Module([]).code_for_node(unbound)
        return dataclasses.replace(variable, partial_argument=argument)
    call = value.func if isinstance(value, cst.Call) and not namespace.qualprefix else None
    made = resolver.at(namespace).expression(call) if call is not None else None
    if made == _GET_LOGGER:
        return VariableSym(variable.qualname, logger=True)
    if isinstance(made, KnownSym) and made.what == "Enum":  # `Enum("Level", "LOW HIGH")`
        return VariableSym(variable.qualname, functional_enum=made.qualname.rpartition(".")[2])
    factory = made.path if isinstance(made, FunctionSym) else getattr(made, "qualname", "")
    typename = _typename(value) if factory in _NAMED_TUPLE_FACTORIES else None
    if typename is not None and _sole_class(namespace, name, typename):
        # `Point = namedtuple("Point", ...)`, or `P = namedtuple("Point", ...)`: the class
        # is `Point`, by the name it was given
        return ClassSym(f"{namespace.module}:{typename}", "namedtuple", (), None, namespace)
    if typename is not None:
        return VariableSym(variable.qualname, named_tuple=typename)
    functions = _held_functions(value, parts)
    if functions:
        return dataclasses.replace(variable, functions=functions)
    classes = _held_classes(value, parts)
    if classes:
        return dataclasses.replace(variable, classes=classes)
    return dataclasses.replace(variable, slotted=_slotted(resolver, parts))


def _slotted(resolver: Resolver, parts: ConstantParts) -> tuple[str, str] | None:
    """The first class with `__slots__` (or subclass of one) a display names, and the class
    that has them."""
    for symbol in parts.resolved.values():
        if isinstance(symbol, ClassSym) and symbol.kind == "other":
            found = slotted_class(resolver, symbol)
            if found is not None:
                return symbol.name, found.name
    return None


def _held_classes(value: cst.BaseExpression, parts: ConstantParts) -> tuple[Symbol, ...]:
    """The classes a tuple display names (`(int, float)`, `(KeyError, errors.Timeout)`),
    when it names nothing else."""
    if not isinstance(value, cst.Tuple) or not value.elements:
        return ()
    found: list[Symbol] = []
    for element in value.elements:
        if isinstance(element, cst.StarredElement):
            return ()
        symbol = parts.resolved.get(id(element.value))
        if symbol is None or not _is_class(symbol):
            return ()
        found.append(symbol)
    return tuple(found)


def _held_functions(value: cst.BaseExpression, parts: ConstantParts) -> tuple[str, ...]:
    """The names of the functions and actions a display holds as items (`{"a": fetch}`,
    `[fetch, send]`), in order: for a table that is not constant (WM142 says why)."""
    if isinstance(value, cst.Dict):
        items = [e.value for e in value.elements if isinstance(e, cst.DictElement)]
    elif isinstance(value, cst.List | cst.Tuple | cst.Set):
        items = [e.value for e in value.elements]
    else:
        return ()
    held = (
        cst.Module([]).code_for_node(item)
        for item in items
        if isinstance(parts.resolved.get(id(item)), ActionSym | FunctionSym)
    )
    return tuple(dict.fromkeys(held))


def _is_table(
    resolver: Resolver,
    namespace: Namespace,
    name: str,
    value: cst.BaseExpression,
    leaf: Callable[[cst.BaseExpression], bool],
) -> bool:
    """A dict, list or set of constants (enum `members` among them) that a module of the
    user's code binds and never changes in place: the module being compiled, or another
    one that neither it nor a compiled module changes (`Finder.imported_table`)."""
    if namespace.qualprefix:
        return False
    size = table_size(value, leaf)
    if size > TABLE_LIMIT:
        return False
    if namespace.module in resolver.finder.compiled:
        return name not in resolver.finder.changed_names(namespace)
    return resolver.finder.imported_table(namespace, name)


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
