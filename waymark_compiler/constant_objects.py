"""Module-level constants and tables built of other constants (`MAX_DELAY = BASE_DELAY * 30`,
`LONG = WINDOW * 3`) and of value objects: a constructor call of one of the user's
dataclasses, named tuples or pydantic models whose arguments are constants themselves
(`PLAN = [Stage(10, Audience.BETA, soak_minutes=30), ...]`, `ORIGIN = Point(0, 0)`).

Such a constant is built again wherever a workflow reads it, like a table (`ConstSym.table`):
the values are the module's, each read a fresh copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeGuard

import libcst as cst

from waymark_compiler.plain_classes import held_class
from waymark_compiler.shapes import enum_aliases, is_constant_literal
from waymark_compiler.symbols import ActionSym, ClassSym, ConstSym, FunctionSym, HeldSym, Symbol

VALUE_KINDS = frozenset({"dataclass", "namedtuple", "model"})


@dataclass(frozen=True, slots=True)
class ConstantParts:
    """What the names and calls inside a module-level value are, each by node id: one reading
    of the value (`constant_parts`) serves every question asked of it (is it a constant, a
    table, a partial, which functions or classes does it hold)."""

    # Every name and dotted name inside the value (not the value itself), as resolved.
    resolved: dict[int, Symbol] = field(default_factory=dict)
    # The enum members (`Tier.GOLD`, an alias as its canonical member): class path, member.
    members: dict[int, tuple[str, str]] = field(default_factory=dict)
    # The actions, functions, value classes and exception classes held (`{"search": search}`,
    # `{ValueError: "bad input"}`).
    functions: dict[int, HeldSym] = field(default_factory=dict)
    # The value objects (`Stage(10, Audience.BETA)`): class path.
    objects: dict[int, str] = field(default_factory=dict)
    # The other constants named (`BASE_DELAY` in `BASE_DELAY * 30`).
    constants: dict[int, ConstSym] = field(default_factory=dict)

    def leaf(self, node: cst.BaseExpression) -> bool:
        """Is `node` a constant part that is no literal (a member, a function, an object, a
        named constant)?"""
        key = id(node)
        return (
            key in self.members
            or key in self.functions
            or key in self.objects
            or key in self.constants
        )


def constant_parts(
    value: cst.BaseExpression, resolve: Callable[[cst.BaseExpression], Symbol | None]
) -> ConstantParts:
    """`value` read once, inner parts first (a value object's arguments before the object):
    through displays, operators and call arguments (`displayed`), every name `resolve`d. The
    value itself, when it is a name, is an alias and left to the caller."""
    parts = ConstantParts()
    for node in reversed(list(displayed(value))):
        if isinstance(node, cst.Attribute):
            _enum_member(node, resolve, parts)
        if node is not value and isinstance(node, cst.Name | cst.Attribute):
            _named(node, resolve, parts)
        elif isinstance(node, cst.Call) and not any(arg.star for arg in node.args):
            owner = resolve(node.func)
            if not isinstance(owner, ClassSym) or owner.kind not in VALUE_KINDS:
                continue
            if all(is_constant_literal(arg.value, parts.leaf) for arg in node.args):
                parts.objects[id(node)] = owner.path
    return parts


def _enum_member(
    node: cst.Attribute,
    resolve: Callable[[cst.BaseExpression], Symbol | None],
    parts: ConstantParts,
) -> None:
    enum = resolve(node.value)
    member = node.attr.value
    if isinstance(enum, ClassSym) and enum.kind == "enum" and member in enum.members:
        aliases = enum_aliases(enum.node) if enum.node is not None else {}
        parts.members[id(node)] = (enum.path, aliases.get(member, member))


def _named(
    node: cst.Name | cst.Attribute,
    resolve: Callable[[cst.BaseExpression], Symbol | None],
    parts: ConstantParts,
) -> None:
    symbol = resolve(node)
    if symbol is None:
        return
    parts.resolved[id(node)] = symbol
    if isinstance(symbol, ActionSym | FunctionSym) or held_class(symbol) or is_exception(symbol):
        parts.functions[id(node)] = symbol
    elif isinstance(symbol, ConstSym):
        parts.constants[id(node)] = symbol


def displayed(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """`node` and, through dict, list, set and tuple displays, operators and call arguments, the
    items, operands and arguments it holds (each before what it holds)."""
    yield node
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                yield from displayed(element.key)
                yield from displayed(element.value)
    elif isinstance(node, cst.List | cst.Set | cst.Tuple):
        for item in node.elements:
            yield from displayed(item.value)
    elif isinstance(node, cst.BinaryOperation):  # `Perm.READ | Perm.WRITE`
        yield from displayed(node.left)
        yield from displayed(node.right)
    elif isinstance(node, cst.UnaryOperation):
        yield from displayed(node.expression)
    elif isinstance(node, cst.Call):  # `Stage(10, Audience.BETA)`
        for arg in node.args:
            yield from displayed(arg.value)


def is_exception(symbol: Symbol | None) -> TypeGuard[ClassSym]:
    """Is `symbol` an exception class, which a constant or table may hold as a class value
    (`{TimeoutError: "retry"}`, compared with `type(error)`)?"""
    return isinstance(symbol, ClassSym) and symbol.kind == "exception"
