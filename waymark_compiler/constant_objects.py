"""Value objects in module-level constants and tables: a constructor call of one of the user's
dataclasses, named tuples or pydantic models whose arguments are constants themselves
(`PLAN = [Stage(10, Audience.BETA, soak_minutes=30), ...]`, `ORIGIN = Point(0, 0)`).

Such a constant is built again wherever a workflow reads it, like a table (`ConstSym.table`):
the values are the module's, each read a fresh copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import libcst as cst

from waymark_compiler.shapes import is_constant_literal
from waymark_compiler.symbols import ClassSym, Symbol

VALUE_KINDS = frozenset({"dataclass", "namedtuple", "model"})


def constant_objects(
    value: cst.BaseExpression,
    resolve: Callable[[cst.BaseExpression], Symbol | None],
    leaves: Mapping[int, object],
) -> dict[int, str]:
    """The value-object constructions `value` holds, by node id, with their class path: a call
    of a value class (`resolve`d) whose arguments are constants, `leaves` (enum members,
    functions) and value objects in turn."""
    found: dict[int, str] = {}

    def leaf(node: cst.BaseExpression) -> bool:
        return id(node) in leaves or id(node) in found

    for node in _held(value):  # the innermost first
        if not isinstance(node, cst.Call) or any(arg.star for arg in node.args):
            continue
        owner = resolve(node.func)
        if not isinstance(owner, ClassSym) or owner.kind not in VALUE_KINDS:
            continue
        if all(is_constant_literal(arg.value, leaf) for arg in node.args):
            found[id(node)] = owner.path
    return found


def _held(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """What `node` holds through displays, operators and call arguments, then `node`."""
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                yield from _held(element.key)
                yield from _held(element.value)
    elif isinstance(node, cst.List | cst.Set | cst.Tuple):
        for item in node.elements:
            yield from _held(item.value)
    elif isinstance(node, cst.Call):
        for arg in node.args:
            yield from _held(arg.value)
    yield node
