"""`self.seen` in a method of a plain class whose body sets `seen = []`: the list is the
class's, shared by every instance and every process, so the runtime cannot read it
(only immutable class data is). Refused at compile time where the method reads it, unless a
method of the class sets the attribute on the instance (`self.seen = []`), which then
shadows the class's. It must not judge other classes: a model's or dataclass's fields are
its instances' own."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from waymark_compiler.context import Ctx
from waymark_compiler.rules.names import MUTABLE_GLOBAL
from waymark_compiler.shapes import body_assignments
from waymark_compiler.symbols import ClassSym
from waymark_runtime import ir

_MUTABLE_CALLS = frozenset(
    {"list", "dict", "set", "bytearray", "defaultdict", "deque", "Counter", "OrderedDict"}
)
_MUTABLE_DISPLAYS = (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)


def _mutable(value: cst.BaseExpression) -> bool:
    if isinstance(value, _MUTABLE_DISPLAYS):
        return True
    func = value.func if isinstance(value, cst.Call) else None
    name = func.value if isinstance(func, cst.Name) else None
    name = func.attr.value if isinstance(func, cst.Attribute) else name
    return name in _MUTABLE_CALLS


def _class_value(node: cst.ClassDef, attr: str) -> cst.BaseExpression | None:
    """The value the class body assigns to `attr` last, if any."""
    found = None
    for target, value in body_assignments(node):
        if isinstance(target, cst.Name) and target.value == attr:
            found = value
    return found


def _set_on_instance(node: cst.ClassDef, attr: str) -> bool:
    """Does a method of the class assign `<first parameter>.attr = ...`?"""
    target = m.Attribute(value=m.Name(), attr=m.Name(attr))
    assigns = m.Assign(targets=[m.ZeroOrMore(), m.AssignTarget(target=target), m.ZeroOrMore()])
    return bool(m.findall(node, assigns | m.AnnAssign(target=target)))


def _owner(node: cst.Attribute, ctx: Ctx) -> tuple[ClassSym, bool] | None:
    """The plain class `node` reads an attribute of, and whether through an instance (`self`
    in one of its methods) rather than the class named (`Recorder.seen`)."""
    if ctx.value_class is not None and m.matches(node.value, m.Name(ctx.value_class[1])):
        return ctx.value_class[0], True
    named = ctx.symbol(node.value)
    return (named, False) if isinstance(named, ClassSym) else None


def shared_class_attribute(node: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """The refusal of a read of a mutable class attribute of a plain class: through the class,
    or through `self` in its methods when no method sets it on the instance; None otherwise."""
    found = _owner(node, ctx)
    body = None if found is None or found[0].kind != "plain" else found[0].node
    if found is None or body is None:
        return None
    (owner, instance), attr = found, node.attr.value
    value = _class_value(body, attr)
    if value is None or not _mutable(value) or (instance and _set_on_instance(body, attr)):
        return None
    message = f"read of `{ctx.code(node)}`: `{owner.name}.{attr}` is a mutable class attribute"
    help = f"set it on the instance in `__init__` (`self.{attr} = ...`), or keep it in a local"
    return ctx.error(MUTABLE_GLOBAL, node, message, "shared by every instance", help)
