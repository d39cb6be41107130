"""`getattr`, `hasattr`, `setattr`, `delattr` and `vars` of the workflow object `self`, as
CPython answers them for the object `run()` runs on.

A name given as a string literal is looked up where `self.<name>` is: a constant of the class or
of `__init__` is that constant, a method is the helper, anything else an attribute of the
instance's workflow object (`SELF_STATE`). A computed name (`hasattr(self, field)`) is looked
up at run time over the same table for `hasattr` and `getattr`. `vars(self)` is the object's
own attributes: what `__init__` sets, then what the run set, as one live dict. Refused (WM108
and WM107): special names, assigning or deleting a constant of the class or a method, and a
computed name for `setattr`/`delattr`, whose target the compiler must know.
"""

from __future__ import annotations

import libcst as cst

from waymark_compiler.context import Ctx
from waymark_compiler.lower.dispatch import lower_expr
from waymark_compiler.lower.large import class_constant
from waymark_compiler.lower.names import is_special
from waymark_compiler.lower.self_state import WORKFLOW_NAMES
from waymark_compiler.rules.workflow import SELF_MUTATION, SELF_READ
from waymark_compiler.symbols import BuiltinSym, ExternalSym
from waymark_runtime import ir
from waymark_runtime.interpreter.instance_self import SELF_STATE
from waymark_runtime.vocabulary import SELF_DELATTR, SELF_LOOKUP, SELF_VARS

_ARITY = {"getattr": (2, 3), "hasattr": (2, 2), "setattr": (3, 3), "delattr": (2, 2),
          "vars": (1, 1)}  # fmt: skip
STATEMENTS = frozenset({"setattr", "delattr"})


def self_builtin(node: cst.BaseExpression, ctx: Ctx) -> str | None:
    """The builtin's name when `node` calls one of them on `self` (an instance method's)."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Name):
        return None
    name = node.func.value
    if name not in _ARITY or ctx.is_local(name) or ctx.function.on_class or not node.args:
        return None
    if ctx.symbol(node.func) not in (BuiltinSym(name), ExternalSym(f"builtins.{name}")):
        return None
    return name if ctx.is_self(node.args[0].value) and not node.args[0].star else None


def lower_self_builtin(name: str, node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`getattr(self, ...)`, `hasattr(self, ...)`, `vars(self)` as values."""
    if (refused := _shape(name, node, ctx)) is not None:
        return refused
    if name in STATEMENTS:
        help = f"call `{name}(self, ...)` as a statement"
        return ctx.error(SELF_READ, node, f"`{name}(self, ...)` used as a value", "a value", help)
    if name == "vars":
        return _vars(node, ctx)
    attr = _literal(node.args[1].value)
    if attr is None:
        return _computed(name, node, ctx)
    if is_special(attr):
        return _refuse_special(name, node, ctx)
    if name == "hasattr":
        known = attr in ctx.config or attr in ctx.helpers or attr in WORKFLOW_NAMES
        return ir.Const(value=True, span=ctx.span(node)) if known else _on_state(name, node, ctx)
    value = _read(attr, node, ctx)
    if len(node.args) == 3 and not isinstance(value, ir.Attribute):
        default = lower_expr(node.args[2].value, ctx)  # evaluated, as CPython does
        both = ir.TupleExpr(elts=(value, default), span=ctx.span(node))
        return ir.Subscript(value=both, index=ir.Const(value=0), span=ctx.span(node))
    return value if len(node.args) == 2 else _on_state(name, node, ctx)


def lower_self_statement(name: str, node: cst.Call, ctx: Ctx) -> list[ir.Stmt]:
    """`setattr(self, "x", v)` and `delattr(self, "x")`: `self.x = v` and `del self.x`."""
    if (refused := _shape(name, node, ctx)) is not None:
        return [ir.ExprStmt(value=refused)]
    attr = _literal(node.args[1].value)
    if attr is None:
        help = f"name the attribute with a string literal: `{name}(self, 'total', ...)`"
        message = f"`{name}(self, ...)` with a computed name"
        ctx.error(SELF_MUTATION, node.args[1], message, "not known to the compiler", help)
        return []
    what = _constant_kind(attr, ctx)
    if what is not None:
        help = "use another attribute name"
        message = f"`{ctx.code(node)}` of {what}"
        ctx.error(SELF_MUTATION, node, message, "set by the class", help)
        return []
    if name == "delattr":
        args = (_state(node, ctx), ir.Const(value=attr))
        call = ir.Call(func=SELF_DELATTR, args=args, kwargs=(), span=ctx.span(node))
        return [ir.ExprStmt(value=call, span=ctx.span(node))]
    target = ir.Attribute(value=_state(node, ctx), attr=attr, span=ctx.span(node))
    value = lower_expr(node.args[2].value, ctx)
    return [ir.Assign(targets=(target,), value=value, span=ctx.span(node))]


def _shape(name: str, node: cst.Call, ctx: Ctx) -> ir.Expr | None:
    least, most = _ARITY[name]
    if least <= len(node.args) <= most and all(a.keyword is None and not a.star for a in node.args):
        return None
    count = str(least) if least == most else f"{least} or {most}"
    help = f"call `{name}` with {count} positional arguments, as CPython takes them"
    message = f"`{name}(self, ...)` with these arguments"
    return ctx.error(SELF_READ, node, message, "not a call CPython accepts", help)


def _literal(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _constant_kind(attr: str, ctx: Ctx) -> str | None:
    if attr in ctx.config:
        return "an attribute the class sets"
    if attr in ctx.helpers or attr in WORKFLOW_NAMES:
        return "a method"
    return "a special attribute" if is_special(attr) else None


def _state(node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
    return ir.Name(id=SELF_STATE, span=ctx.span(node))


def _read(attr: str, node: cst.Call, ctx: Ctx) -> ir.Expr:
    """What `self.<attr>` reads: a constant, a helper, or an attribute of the object."""
    if attr in ctx.config and attr not in ctx.helpers:
        return class_constant(ctx.config[attr], node, ctx)
    if ctx.reaches(attr):
        return ir.HelperRef(name=attr, span=ctx.span(node))
    if attr in WORKFLOW_NAMES:
        return _refuse_special(f"getattr(self, {attr!r})", node, ctx)
    return ir.Attribute(value=_state(node, ctx), attr=attr, span=ctx.span(node))


def _on_state(name: str, node: cst.Call, ctx: Ctx) -> ir.Expr:
    """The builtin called on the instance's workflow object, with the call's other arguments."""
    rest = tuple(lower_expr(arg.value, ctx) for arg in node.args[1:])
    return ir.Call(func=name, args=(_state(node, ctx), *rest), kwargs=(), span=ctx.span(node))


def _computed(name: str, node: cst.Call, ctx: Ctx) -> ir.Expr:
    """A name computed at run time: looked up in the class's table (its constants, and its
    methods, which `getattr` cannot give as a value: that name is refused when it comes),
    then on the workflow object."""
    constants = {k: s for k, s in ctx.config.items() if k not in ctx.helpers}
    keys = tuple(ir.Const(value=k) for k in constants)
    values = tuple(class_constant(s, node, ctx) for s in constants.values())
    table = ir.DictExpr(keys=keys, values=values, span=ctx.span(node))
    methods = sorted({*ctx.helpers, *WORKFLOW_NAMES})
    listed = ir.TupleExpr(elts=tuple(ir.Const(value=m) for m in methods), span=ctx.span(node))
    rest = tuple(lower_expr(arg.value, ctx) for arg in node.args[1:])
    func = ir.Const(value=name)
    args = (func, _state(node, ctx), table, listed, *rest)
    return ir.Call(func=SELF_LOOKUP, args=args, kwargs=(), span=ctx.span(node))


def _vars(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`vars(self)`: the object's dict, what `__init__` sets first (as Python orders it)."""
    owner = ctx.owner.config
    set_in_init = {
        k: s for k, s in ctx.config.items() if k not in owner or owner[k].value is not s.value
    }
    keys = tuple(ir.Const(value=k) for k in set_in_init)
    values = tuple(class_constant(s, node, ctx) for s in set_in_init.values())
    initial = ir.DictExpr(keys=keys, values=values, span=ctx.span(node))
    return ir.Call(func=SELF_VARS, args=(_state(node, ctx), initial), kwargs=(),
                   span=ctx.span(node))  # fmt: skip


def _refuse_special(name: str, node: cst.Call, ctx: Ctx) -> ir.Expr:
    help = "name an attribute the run sets, a constant of the class or a helper method"
    message = f"`{ctx.code(node)}` of a special attribute or method of the workflow"
    return ctx.error(SELF_READ, node, message, "not the run's state", help)
