"""Forms of a method call that `calls.method_call` lowers apart from the plain one: a pure
method through its builtin type (`str.strip(s)`), `super().name(...)` in a method of a model or
dataclass, and the refusals of forms a workflow cannot reproduce (a zone-less `astimezone()`,
`model_dump(exclude_unset=...)`). Each answers None for a call that is not its form.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.inherited import class_chain
from waymark_compiler.rules.expressions import IMPURE_METHOD, NONDETERMINISTIC_CALL
from waymark_compiler.symbols import BuiltinSym
from waymark_compiler.tables import BUILTIN_TYPES
from waymark_runtime import ir
from waymark_runtime.vocabulary import PURE_METHODS, RECEIVER_OF, ZONE_EXAMPLES


def through_type(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """`str.upper(s, ...)`: a pure method called through its builtin type, as
    `receiver(s).upper(...)` (the receiver checked to be a `str`, as Python checks it); None for
    any other call."""
    method, kind = func.attr.value, ctx.symbol(func.value)
    if not isinstance(kind, BuiltinSym) or kind.name not in BUILTIN_TYPES - {"object"}:
        return None
    first = node.args[0] if node.args else None
    if method not in PURE_METHODS or first is None or first.keyword is not None or first.star:
        return None
    span = ctx.span(node)
    names = (ir.Const(value=kind.name, span=span), ir.Const(value=method, span=span))
    obj = lower_expr(first.value, ctx)
    receiver = ir.Call(func=RECEIVER_OF, args=(*names, obj), kwargs=(), span=span)
    args, kwargs = lower_arguments(node.args[1:], ctx)
    return ir.MethodCall(obj=receiver, method=method, args=args, kwargs=kwargs, span=span)


def value_super_call(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr | None:
    """`super().name(...)` in a method of a model or dataclass: the method `name` of the first
    base class along its chain that defines one (None when that is not a compiled method)."""
    made, name = func.value, func.attr.value
    if ctx.value_class is None or ctx.functions is None or not _is_super(made):
        return None
    owner, self_name = ctx.value_class
    if owner.node is None or owner.namespace is None:
        return None
    for cls, namespace in class_chain(owner.node, owner.namespace, ctx.resolver)[1:]:
        defined = {s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef)}
        if name not in defined:
            continue
        path = f"{namespace.module}:{cls.name.value}"
        helper = ctx.functions.own_method(path, cls.name.value, name)
        if helper is None:
            return None
        args, kwargs = lower_arguments(node.args, ctx)
        obj = ir.Name(id=self_name, span=ctx.span(made))
        return ir.HelperCall(name=helper, args=(obj, *args), kwargs=kwargs, span=ctx.span(node))
    return None


def _is_super(node: cst.BaseExpression) -> bool:
    """`super()` with no arguments."""
    return (
        isinstance(node, cst.Call)
        and not node.args
        and isinstance(node.func, cst.Name)
        and node.func.value == "super"
    )


def zone_missing(node: cst.Call, name: str, position: int, ctx: Ctx) -> ir.Expr | None:
    """WM103 for `moment.astimezone()` and `datetime.fromtimestamp(ts)` without a zone (the
    argument at `position`, or `tz=`): they would read the machine's own; else None."""
    given = [a for a in node.args if a.keyword is None]
    if len(given) > position or any(
        a.star or (a.keyword and a.keyword.value == "tz") for a in node.args
    ):
        return None
    help = f"pass the zone: {ZONE_EXAMPLES[name]}"
    message = f"`{name}` without a zone reads the machine's local time zone"
    return ctx.error(NONDETERMINISTIC_CALL, node, message, "the machine's zone", help)


def model_method_form(node: cst.Call, method: str, ctx: Ctx) -> ir.Expr | None:
    """WM141 for the forms of a model's methods a workflow cannot reproduce: `model_dump`
    with `exclude_unset=` (a value does not keep which fields were set), and pydantic v1's
    `copy` with `include=`/`exclude=` (a model without some of its fields); else None."""
    named = {a.keyword.value: a for a in node.args if a.keyword is not None}
    if method.startswith("model_dump") and "exclude_unset" in named:
        help = "dump in an action, or list the fields with `include=`"
        message = f"`{method}(exclude_unset=...)`: a workflow does not keep which fields were set"
        return ctx.error(IMPURE_METHOD, named["exclude_unset"], message, "not reproducible", help)
    narrowed = next((k for k in ("include", "exclude") if k in named), None)
    if method == "copy" and narrowed is not None:
        help = "copy the whole model (`model.model_copy(update={...})`), or build the one you need"
        message = f"`copy({narrowed}=...)` of a model: the copy would lack some of its fields"
        return ctx.error(IMPURE_METHOD, named[narrowed], message, "a partial copy", help)
    return None
