"""Module-level comprehensions over constants, evaluated when compiling (`folding`): a table
derived from another (`BY_CODE = {code: name for name, code in CODES.items()}`) or from the
members of an enum (`RANK = {s: i for i, s in enumerate(Status)}`) becomes the display Python
builds when it imports the module, a table like any other."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst

from waymark_compiler.shapes import enum_aliases, enum_values
from waymark_compiler.symbols import BuiltinSym, ClassSym, Symbol

if TYPE_CHECKING:
    from waymark_compiler.folding import _Evaluator
    from waymark_compiler.namespace import Namespace

COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp)
_ITEMS = 10_000  # the most items a folded comprehension makes
_BUILTINS: dict[str, Callable[..., Any]] = {
    "enumerate": lambda *a, **k: list(enumerate(*a, **k)),
    "zip": lambda *a, strict=False: list(zip(*a, strict=strict)),
    "reversed": lambda *a: list(reversed(*a)),
    "sorted": lambda items, reverse=False: sorted(items, reverse=reverse),
    "range": range,
    "len": len,
    "str": str,
    "int": int,
    "abs": abs,
    "min": min,
    "max": max,
    "round": round,
    "tuple": tuple,
}


_COMPARISONS: dict[type[cst.BaseCompOp], Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
}


class NotFolded(Exception):
    """The comprehension reads something that is not a constant."""


@dataclass(frozen=True)
class Member:
    """An enum member met while folding: `owner` is the class as the module names it."""

    owner: str
    name: str
    value: Any


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def scoped(node: cst.BaseExpression, evaluator: _Evaluator) -> bool:
    """Whether `node` reads a variable of a comprehension being evaluated (`s`, `s.name`)."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name) and node.value in evaluator.scope


def enum_members(
    node: cst.BaseExpression, resolve: Callable[[cst.BaseExpression], Symbol | None]
) -> list[Member] | None:
    """The members of the enum class `node` names, in definition order (aliases skipped)."""
    if not isinstance(node, cst.Name | cst.Attribute):
        return None
    symbol = resolve(node)
    if not isinstance(symbol, ClassSym) or symbol.kind != "enum" or symbol.node is None:
        return None
    values = enum_values(symbol.node)
    if values is None:
        raise NotFolded
    aliases = enum_aliases(symbol.node)
    owner = _code(node)
    return [
        Member(owner, name, ast.literal_eval(_code(value)))
        for name, value in values.items()
        if name not in aliases
    ]


def condition(node: cst.BaseExpression, inner: Callable[[cst.BaseExpression], Any]) -> Any:
    """A comprehension's test or choice: `n % 2 == 0`, `a and not b`, `x if c else y`."""
    if isinstance(node, cst.Comparison):
        left = inner(node.left)
        for target in node.comparisons:
            compare = _COMPARISONS.get(type(target.operator))
            if compare is None:  # `is`: identity of values rebuilt as a display is not kept
                raise NotFolded
            right = inner(target.comparator)
            if not compare(left, right):
                return False
            left = right
        return True
    if isinstance(node, cst.BooleanOperation):
        left = inner(node.left)
        if isinstance(node.operator, cst.And):
            return inner(node.right) if left else left
        return left if left else inner(node.right)
    if isinstance(node, cst.IfExp):
        return inner(node.body) if inner(node.test) else inner(node.orelse)
    raise NotFolded


def builtin_call(
    node: cst.Call, name: str, inner: Callable[[cst.BaseExpression], Any], symbol: Symbol | None
) -> Any:
    """`enumerate(STATUSES, 1)`, `range(3)`, `sorted(CODES)`: a builtin of constants."""
    if not isinstance(symbol, BuiltinSym) or name not in _BUILTINS:
        raise NotFolded
    if any(arg.star for arg in node.args):
        raise NotFolded
    args = [inner(arg.value) for arg in node.args if arg.keyword is None]
    kwargs = {arg.keyword.value: inner(arg.value) for arg in node.args if arg.keyword}
    if name == "range" and len(range(*args)) > _ITEMS:
        raise NotFolded
    return _BUILTINS[name](*args, **kwargs)


def comprehension(
    evaluator: _Evaluator,
    node: cst.ListComp | cst.SetComp | cst.DictComp,
    namespace: Namespace,
    depth: int,
) -> Any:
    """The list, set or dict Python builds of `node`, its variables bound in `evaluator.scope`
    while its parts are read (and unbound after)."""
    saved = dict(evaluator.scope)

    def read(part: cst.BaseExpression) -> Any:
        return evaluator.value(part, namespace, depth + 1)

    try:
        if isinstance(node, cst.DictComp):
            bindings = _bind(evaluator, node.for_in, namespace, depth)
            return dict([(read(node.key), read(node.value)) for _ in bindings])
        items = [read(node.elt) for _ in _bind(evaluator, node.for_in, namespace, depth)]
        return set(items) if isinstance(node, cst.SetComp) else items
    finally:
        evaluator.scope = saved


def _bind(
    evaluator: _Evaluator, clause: cst.CompFor, namespace: Namespace, depth: int
) -> Iterator[None]:
    """Each binding of the `for` clauses from `clause` on that passes their `if`s."""
    if clause.asynchronous is not None:
        raise NotFolded
    items = list(evaluator.iterable(clause.iter, namespace, depth + 1))
    if len(items) > _ITEMS:
        raise NotFolded
    for item in items:
        _assign(evaluator.scope, clause.target, item)
        if not all(evaluator.value(c.test, namespace, depth + 1) for c in clause.ifs):
            continue
        if clause.inner_for_in is None:
            yield None
        else:
            yield from _bind(evaluator, clause.inner_for_in, namespace, depth)


def _assign(scope: dict[str, Any], target: cst.BaseAssignTargetExpression, item: Any) -> None:
    if isinstance(target, cst.Name):
        scope[target.value] = item
        return
    if not isinstance(target, cst.Tuple | cst.List):
        raise NotFolded
    elements = target.elements
    if any(isinstance(e, cst.StarredElement) for e in elements):
        raise NotFolded
    values = tuple(item)
    if len(values) != len(elements):
        raise ValueError("wrong number of values to unpack")
    for element, value in zip(elements, values, strict=True):
        _assign(scope, element.value, value)  # type: ignore[arg-type]
