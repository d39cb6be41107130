"""Plain classes of the user's code: `class Strategy:` (or a subclass of another such class)
with no decorator and no metaclass, whose `__init__` stores attributes. A workflow constructs
them, calls their methods and reads their properties as it does a dataclass's; their instances
are workflow values whose fields are what the instance's `__dict__` holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

import libcst as cst

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
    """`plain` for a class with no decorator and no metaclass whose bases are `object` or
    plain classes; `other` for any other class of no known kind."""
    if node.decorators or any(arg.keyword is not None or arg.star for arg in node.bases):
        return "other"
    for arg in node.bases:
        base = resolver.at(namespace).expression(arg.value)
        plain = isinstance(base, ClassSym) and base.kind == "plain"
        if not (plain or base == BuiltinSym("object")):
            return "other"
    return "plain"
