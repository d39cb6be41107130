"""Module-level constants and tables built of other constants (`MAX_DELAY = BASE_DELAY * 30`,
`LONG = WINDOW * 3`) and of value objects: a constructor call of one of the user's
dataclasses, named tuples or pydantic models whose arguments are constants themselves
(`PLAN = [Stage(10, Audience.BETA, soak_minutes=30), ...]`, `ORIGIN = Point(0, 0)`).

Such a constant is built again wherever a workflow reads it, like a table (`ConstSym.table`):
the values are the module's, each read a fresh copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import libcst as cst

from waymark_compiler.shapes import is_constant_literal
from waymark_compiler.symbols import ClassSym, ConstSym, Symbol

VALUE_KINDS = frozenset({"dataclass", "namedtuple", "model"})


def constant_objects(
    held: Iterable[cst.BaseExpression],
    resolve: Callable[[cst.BaseExpression], Symbol | None],
    leaves: Mapping[int, object],
) -> dict[int, str]:
    """The value-object constructions among `held` (what a constant holds, through displays,
    operators and call arguments, each after what it holds in turn), by node id, with their
    class path: a call of a value class (`resolve`d) whose arguments are constants, `leaves`
    (enum members, functions) and value objects in turn."""
    found: dict[int, str] = {}

    def leaf(node: cst.BaseExpression) -> bool:
        return id(node) in leaves or id(node) in found

    for node in held:
        if not isinstance(node, cst.Call) or any(arg.star for arg in node.args):
            continue
        owner = resolve(node.func)
        if not isinstance(owner, ClassSym) or owner.kind not in VALUE_KINDS:
            continue
        if all(is_constant_literal(arg.value, leaf) for arg in node.args):
            found[id(node)] = owner.path
    return found


def named_constants(
    held: Iterable[cst.BaseExpression], resolve: Callable[[cst.BaseExpression], Symbol | None]
) -> dict[int, ConstSym]:
    """The names of other constants among `held` (`BASE_DELAY` in `BASE_DELAY * 30`), by node
    id: each is read as that constant's value."""
    found: dict[int, ConstSym] = {}
    for node in held:
        if isinstance(node, cst.Name | cst.Attribute):
            symbol = resolve(node)
            if isinstance(symbol, ConstSym):
                found[id(node)] = symbol
    return found


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
