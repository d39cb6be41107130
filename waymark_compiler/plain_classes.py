"""Plain classes of the user's code: `class Strategy:` (or a subclass of another such class)
with no decorator and no metaclass, whose `__init__` stores attributes. A workflow constructs
them, calls their methods and reads their properties as it does a dataclass's; their instances
are workflow values whose fields are what the instance's `__dict__` holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

import libcst as cst

from waymark_compiler.finder import is_installed
from waymark_compiler.symbols import BuiltinSym, ClassKind, ClassSym

if TYPE_CHECKING:
    from waymark_compiler.namespace import Namespace
    from waymark_compiler.resolve import Resolver


# The classes a constant or table may hold as items, to be called (`STRATEGIES[name](dest)`).
_HELD_KINDS = frozenset({"model", "dataclass", "namedtuple", "plain"})


def held_class(symbol: object) -> TypeGuard[ClassSym]:
    """Is `symbol` a class of the user's whose instances are workflow values, which a name, a
    constant or a table may hold (exceptions are not: `raise` and `except` name their own)?"""
    return isinstance(symbol, ClassSym) and symbol.kind in _HELD_KINDS and symbol.node is not None


def plain_or_other(resolver: Resolver, namespace: Namespace, node: cst.ClassDef) -> ClassKind:
    """`plain` for a class of the user's code with no decorator, no metaclass and no
    `__slots__` whose bases are `object` or plain classes; `other` for any other class of no
    known kind, and for every class of the standard library or an installed package
    (`graphlib.TopologicalSorter`): its code is not the user's to compile, and a diagnostic
    must not point into it."""
    if is_installed(namespace):
        return "other"
    if node.decorators or any(arg.keyword is not None or arg.star for arg in node.bases):
        return "other"
    if slotted(node) is not None:
        return "other"
    for arg in node.bases:
        base = resolver.at(namespace).expression(arg.value)
        plain = isinstance(base, ClassSym) and base.kind == "plain"
        if not (plain or base == BuiltinSym("object")):
            return "other"
    return "plain"


def slotted(node: cst.ClassDef) -> cst.CSTNode | None:
    """The `__slots__ = ...` statement of the class's body, if it has one: a slotted instance
    has no `__dict__`, which is what a plain instance's workflow value holds."""
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                targets = [target.target for target in small.targets]
            elif isinstance(small, cst.AnnAssign | cst.AugAssign):
                targets = [small.target]
            else:
                continue
            if any(isinstance(t, cst.Name) and t.value == "__slots__" for t in targets):
                return statement
    return None


def slotted_class(resolver: Resolver, symbol: ClassSym, limit: int = 20) -> ClassSym | None:
    """`symbol`, or the first of its bases of the user's code, that has `__slots__`."""
    if symbol.node is None or symbol.namespace is None or limit == 0:
        return None
    if slotted(symbol.node) is not None:
        return symbol
    for arg in symbol.node.bases:
        base = resolver.at(symbol.namespace).expression(arg.value)
        found = slotted_class(resolver, base, limit - 1) if isinstance(base, ClassSym) else None
        if found is not None:
            return found
    return None
