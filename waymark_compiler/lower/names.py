"""Lowering names and dotted names: locals, module constants (inlined), enum members, and the
globals a workflow may not read (mutable state, the environment, classes and functions as values).

Which global a name denotes is `resolve`'s answer; this module decides what that answer may be
used for, and words the refusal when it may not.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import uuid

import libcst as cst

from waymark_compiler.context import Ctx, did_you_mean
from waymark_compiler.literals import NAMED_CONSTANTS, literal
from waymark_compiler.lower.class_values import class_value, slotted_table
from waymark_compiler.lower.constants import unbound_partial
from waymark_compiler.lower.dispatch import expression, lower_expr
from waymark_compiler.lower.large import class_constant, large_value
from waymark_compiler.lower.log import is_logger, refuse_value
from waymark_compiler.lower.self_state import self_attribute
from waymark_compiler.lower.shared_attributes import shared_class_attribute
from waymark_compiler.partials import partial_value
from waymark_compiler.rules.expressions import FUNCTION_VALUE, SPECIAL_ATTRIBUTE
from waymark_compiler.rules.names import (
    LOCAL_DEFINITION,
    MUTABLE_GLOBAL,
    UNKNOWN_ENUM_MEMBER,
    UNKNOWN_NAME,
)
from waymark_compiler.rules.workflow import SELF_READ
from waymark_compiler.shapes import enum_aliases
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassSym,
    ConstSym,
    ExternalSym,
    FunctionSym,
    HeldSym,
    KnownSym,
    LocalSym,
    MissingSym,
    ModuleSym,
    Symbol,
    VariableSym,
)
from waymark_compiler.tables import impure, refusal_label
from waymark_runtime import ir
from waymark_runtime.vocabulary import (
    DURATION,
    ENUM_MEMBERS,
    FUNCTION_NAMES,
    PURE_CONSTANTS,
    TYPE_NAME,
    standard_function,
)

# ---------------------------------------------------------------------------------------------
# Names and globals
# ---------------------------------------------------------------------------------------------


@expression
def lower_Name(node: cst.Name, ctx: Ctx) -> ir.Expr:
    if node.value in NAMED_CONSTANTS:
        return ir.Const(value=NAMED_CONSTANTS[node.value], span=ctx.span(node))
    if ctx.is_self(node):
        help = "pass the values helper methods need as arguments"
        message = f"`{node.value}` used as a value"
        return ctx.error(SELF_READ, node, message, "not a helper call", help)
    if ctx.is_local(node.value):
        return ir.Name(id=node.value, span=ctx.span(node))
    return symbol_value(ctx.resolver.lookup(node.value), node, ctx)


def _unknown(symbol: MissingSym, node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
    if symbol.origin is not None:
        message, help = missing_import(symbol, ctx)
        return ctx.error(UNKNOWN_NAME, node, message, "not found", help)
    candidates = [*ctx.function.locals, *ctx.resolver.names()]
    hint = did_you_mean(symbol.name, candidates)
    return ctx.error(UNKNOWN_NAME, node, f"unknown name `{symbol.name}`", "not defined", hint)


def missing_import(symbol: MissingSym, ctx: Ctx) -> tuple[str, str]:
    """Message and help for a name imported from a module that lacks it (or cannot be found)."""
    assert symbol.origin is not None
    module = ctx.resolver.finder.namespace(symbol.origin)
    if module is None:
        help = (
            "the module's source must be on the import path (the compiled file's root or sys.path)"
        )
        return f"cannot find module `{symbol.origin}` (for `{symbol.name}`)", help
    hint = did_you_mean(symbol.name, module.bindings)
    return f"module `{symbol.origin}` has no `{symbol.name}`", hint or "check the import"


def _function_value(what: str, node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
    help = "call it where the value is needed"
    return ctx.error(FUNCTION_VALUE, node, f"{what} used as a value", "not a value", help)


def symbol_value(symbol: Symbol, node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """A global used as a value: constants inline; everything else is refused."""
    text = ctx.code(node)
    if isinstance(symbol, ConstSym):
        if (refused := large_value(symbol.value, symbol.namespace.source, node, ctx)) is not None:
            return refused
        held = {key: _held(function, node, ctx) for key, function in symbol.functions.items()}
        held |= {key: symbol_value(named, node, ctx) for key, named in symbol.constants.items()}
        if symbol.partial and isinstance(symbol.value, cst.Call):
            return partial_value(symbol.value, ctx.span(node), symbol.members, held, symbol.objects)
        return literal(symbol.value, ctx.span(node), symbol.members, held, symbol.objects)
    if isinstance(symbol, MissingSym):
        return _unknown(symbol, node, ctx)
    if isinstance(symbol, VariableSym) and symbol.logger:
        return refuse_value(node, ctx)
    if isinstance(symbol, LocalSym):
        return local_definition(symbol, node, ctx)
    if isinstance(symbol, ClassSym) and symbol.kind == "enum" and symbol.members:
        return enum_members(symbol, ctx.span(node))
    if isinstance(symbol, ClassSym):
        return class_value(symbol, node, ctx)
    value = _function(symbol, node, ctx) if isinstance(symbol, ActionSym | FunctionSym) else None
    if value is not None:
        return value  # `handler = search`, `partial(fmt, 2)`: a function value
    if isinstance(symbol, ActionSym | FunctionSym | BuiltinSym | KnownSym):
        return _function_value(f"function `{text}`", node, ctx)
    if isinstance(symbol, ModuleSym):
        return _function_value(f"module `{text}`", node, ctx)
    return _global_value(symbol, node, ctx)


def _function(
    function: ActionSym | FunctionSym, node: cst.BaseExpression, ctx: Ctx
) -> ir.Expr | None:
    """An action as its value, a function of the user's code as the helper it is compiled
    as; None for a function that cannot be a helper (decorated, of an installed package)."""
    if isinstance(function, ActionSym):
        return ir.ActionRef(action=function.path, span=ctx.span(node))
    helper = ctx.functions.helper(function) if ctx.functions else None
    return None if helper is None else ir.HelperRef(name=helper, span=ctx.span(node))


def _held(function: HeldSym, node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """What a constant or table holds, read at `node`; WM142 for a function not compiled."""
    if isinstance(function, ClassSym) and function.kind == "exception":  # `{ValueError: ...}`
        return ir.TypeRef(type=function.path, span=ctx.span(node))
    if isinstance(function, ClassSym):
        return class_value(function, node, ctx)
    value = _function(function, node, ctx)
    if value is not None:
        return value
    name = function.path.partition(":")[2]
    help = "hold an `@action` or an undecorated function of your own code, which may call it"
    message = f"`{ctx.code(node)}` holds `{name}`, a function the workflow cannot compile"
    return ctx.error(FUNCTION_VALUE, node, message, "not a workflow value", help)


def local_definition(symbol: LocalSym, node: cst.CSTNode, ctx: Ctx) -> ir.Expr:
    name = symbol.path.rpartition(".")[2]
    help = f"define `{name}` at module level so it has an import path"
    message = f"{symbol.what} `{name}` is defined inside a function"
    return ctx.error(LOCAL_DEFINITION, node, message, "no import path", help)


def _global_value(symbol: VariableSym | ExternalSym, node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    text = ctx.code(node)
    if isinstance(symbol, ExternalSym) and symbol.qualname in PURE_CONSTANTS:
        return _constant(symbol.qualname, ctx.span(node))
    if isinstance(symbol, ExternalSym):
        refusal = impure(symbol.qualname)
        if refusal is not None:
            code, what, help = refusal
            return ctx.error(code, node, f"`{text}` {what}", refusal_label(code), help)
    if (refused := unbound_partial(symbol, node, ctx)) is not None:
        return refused
    if isinstance(symbol, VariableSym) and symbol.functions:
        return _dispatch_table(symbol.functions, node, ctx)
    if isinstance(symbol, VariableSym) and symbol.slotted is not None:
        return slotted_table(symbol.slotted, node, ctx)
    help = "use a constant (a literal assigned once at module level), or an argument of `run()`"
    module = symbol.qualname.rpartition(".")[0] if isinstance(symbol, ExternalSym) else ""
    unreadable = ctx.resolver.finder.unreadable.get(module)
    if unreadable is not None:  # not the name's fault: Python could not import its module
        message = f"read of `{text}` from module `{module}`, which does not compile: {unreadable}"
        help = f"fix `{module}` first: Python cannot import it either"
        return ctx.error(MUTABLE_GLOBAL, node, message, "module does not compile", help)
    if isinstance(symbol, VariableSym) and symbol.functional_enum:
        factory = symbol.functional_enum
        message = f"read of `{text}`, an enum made by the functional API `{factory}(...)`"
        name = symbol.qualname.rpartition(".")[2]
        help = f"declare it as a class, `class {name}({factory}):` with one member a line"
    elif isinstance(symbol, VariableSym) and symbol.enclosing:
        message = f"read of `{text}`, a variable of an enclosing function"
    elif isinstance(symbol, VariableSym):
        message = f"read of module global `{text}`, which is not a constant"
    else:
        message = f"read of `{text}`, which is not a constant"
    return ctx.error(MUTABLE_GLOBAL, node, message, "not a constant", help)


def _dispatch_table(functions: tuple[str, ...], node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """WM142 for a read of a module global holding functions that is not a constant or table
    (`TOOLS = {"search": search}` changed in place, or of an installed package)."""
    named = ", ".join(f"`{name}`" for name in functions[:3]) + (", ..." if functions[3:] else "")
    help = ("a table of functions holds constants, actions and undecorated functions of your "
            "own code (wrap a builtin in one), bound once in a module of your code and never "
            "changed in place")  # fmt: skip
    message = f"`{ctx.code(node)}` holds functions ({named}) but is not a constant table"
    return ctx.error(FUNCTION_VALUE, node, message, "a table of functions", help)


def _constant(qualname: str, span: ir.Span) -> ir.Expr:
    """`math.pi` or `decimal.ROUND_HALF_UP` as its value; `math.inf` and `math.nan` as
    `float('inf')`, `float('nan')`, and `timezone.utc` as `timezone(timedelta())` (which is
    it), since the text has no literal for them."""
    value = standard_function(qualname)
    if isinstance(value, enum.IntFlag | enum.IntEnum):  # `re.IGNORECASE`: its int value
        return ir.Const(value=int(value), span=span)
    if isinstance(value, dt.timezone):
        offset = ir.Call(func=DURATION, args=(), kwargs=(), span=span)
        return ir.Call(func="datetime.timezone", args=(offset,), kwargs=(), span=span)
    if isinstance(value, dt.date | dt.time):  # `datetime.max`: built from its fields
        return _built(value, span)
    if isinstance(value, uuid.UUID):  # `uuid.NAMESPACE_URL`: built from its text
        return ir.Call(
            func="uuid.UUID", args=(ir.Const(value=str(value), span=span),), kwargs=(), span=span
        )
    if qualname.startswith("calendar.") and not isinstance(value, int):  # `month_name`: a list
        names = tuple(ir.Const(value=name, span=span) for name in value)
        return ir.ListExpr(elts=names, span=span)
    if isinstance(value, float) and not math.isfinite(value):
        text = ir.Const(value=str(value), span=span)
        return ir.Call(func="float", args=(text,), kwargs=(), span=span)
    return ir.Const(value=value, span=span)


def _built(value: dt.date | dt.time, span: ir.Span) -> ir.Expr:
    fields: tuple[int, ...]
    if isinstance(value, dt.datetime):
        kind, fields = "datetime.datetime", (value.year, value.month, value.day, value.hour,
                                             value.minute, value.second, value.microsecond)  # fmt: skip
    elif isinstance(value, dt.date):
        kind, fields = "datetime.date", (value.year, value.month, value.day)
    else:
        kind, fields = "datetime.time", (value.hour, value.minute, value.second, value.microsecond)
    args = tuple(ir.Const(value=field, span=span) for field in fields)
    return ir.Call(func=kind, args=args, kwargs=(), span=span)


def type_of(node: cst.BaseExpression, ctx: Ctx) -> cst.BaseExpression | None:
    """`x` of `type(x)` or `x.__class__`, or None."""
    if isinstance(node, cst.Attribute) and node.attr.value == "__class__":
        return None if ctx.is_self(node.value) else node.value
    if not isinstance(node, cst.Call) or ctx.symbol(node.func) != ExternalSym("builtins.type"):
        return None
    if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
        return None
    return node.args[0].value


def self_class(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """`type(self)` or `self.__class__` in a method: the workflow class (in a `@classmethod`,
    `type(cls)` would be the class's metaclass)."""
    if ctx.function.on_class:
        return False
    if isinstance(node, cst.Attribute) and node.attr.value == "__class__":
        return ctx.is_self(node.value)
    subject = type_of(node, ctx)
    return subject is not None and ctx.is_self(subject)


@expression
def lower_Attribute(node: cst.Attribute, ctx: Ctx) -> ir.Expr:
    attr = node.attr.value
    if attr in FUNCTION_NAMES and _workflow_class(node.value, ctx):
        qualname = ctx.owner.path.partition(":")[2]  # `cls.__name__`, `type(self).__name__`
        name = qualname if attr == "__qualname__" else qualname.rpartition(".")[2]
        return ir.Const(value=name, span=ctx.span(node))
    subject = type_of(node.value, ctx) if attr == "__name__" else None
    if subject is not None:  # `type(x).__name__`: the class name of a value
        value = lower_expr(subject, ctx)
        return ir.Call(func=TYPE_NAME, args=(value,), kwargs=(), span=ctx.span(node))
    if is_logger(node, ctx) or is_logger(node.value, ctx):
        return refuse_value(node, ctx)
    if ctx.is_self(node.value) and attr in ctx.config and attr not in ctx.helpers:
        return class_constant(ctx.config[attr], node, ctx)
    if self_class(node.value, ctx) and attr in ctx.owner.config and attr not in ctx.helpers:
        return class_constant(ctx.owner.config[attr], node, ctx)  # `type(self).LIMIT`
    if (ctx.is_self(node.value) or self_class(node.value, ctx)) and ctx.reaches(attr):
        return ir.HelperRef(name=attr, span=ctx.span(node))  # `self.rank` as a value
    if ctx.is_self(node.value):
        return self_attribute(node, ctx)
    if (shared := shared_class_attribute(node, ctx)) is not None:
        return shared
    base = ctx.symbol(node.value)
    if isinstance(base, ClassSym) and base.kind == "enum" and attr == "__members__":
        return enum_by_name(base, ctx.span(node))
    if isinstance(base, ClassSym) and base.kind == "enum":
        return enum_member(base, node, ctx)
    found = None if base is None else ctx.resolver.attribute(base, attr)
    if isinstance(base, ActionSym) and attr in FUNCTION_NAMES:  # `search.__name__`
        qualname = base.path.partition(":")[2]
        name = qualname if attr == "__qualname__" else qualname.rpartition(".")[2]
        return ir.Const(value=name, span=ctx.span(node))
    if base is None and attr in FUNCTION_NAMES:  # `tool.__name__`, read from the value
        return ir.Attribute(value=lower_expr(node.value, ctx), attr=attr, span=ctx.span(node))
    if found is None and is_special(attr):
        return special_attribute(node, node.value, attr, "read of", ctx)
    if found is None and isinstance(base, ClassSym) and base.kind in _DATA_CLASSES:
        span = ctx.span(node)  # `Order.kind`: a class attribute, read from the class
        return ir.Attribute(value=ir.TypeRef(type=base.path, span=span), attr=attr, span=span)
    if found is None:
        value = lower_expr(node.value, ctx)
        reader = None if base is not None or ctx.functions is None else ctx.functions.property(attr)
        if reader is not None:  # a property of a known class (`lower.properties`)
            return ir.HelperCall(name=reader, args=(value,), kwargs=(), span=ctx.span(node))
        return ir.Attribute(value=value, attr=attr, span=ctx.span(node))
    return symbol_value(found, node, ctx)


def _workflow_class(node: cst.BaseExpression, ctx: Ctx) -> bool:
    """`type(self)`, `self.__class__`, or a `@classmethod`'s `cls`: the workflow class."""
    if not ctx.owner.path:
        return False
    return self_class(node, ctx) or (ctx.function.on_class and ctx.is_self(node))


# Classes whose data attributes (`ClassVar`s, constants of the class body) a workflow reads.
_DATA_CLASSES = frozenset({"model", "dataclass", "exception", "namedtuple", "plain"})


# An exception's chain, which a value keeps: read as in Python, set only by `raise`.
CHAIN = frozenset({"__cause__", "__context__", "__suppress_context__"})


def is_special(attr: str) -> bool:
    """A dunder name (`__traceback__`), which a value of the runtime does not hold; an
    exception's chain (`CHAIN`) and its `__notes__` are read as any attribute."""
    special = len(attr) > 4 and attr.startswith("__") and attr.endswith("__")
    return special and attr not in CHAIN and attr != "__notes__"


_NOT_KEPT = frozenset({"__traceback__"})


def special_attribute(
    node: cst.CSTNode, subject: cst.BaseExpression, attr: str, action: str, ctx: Ctx
) -> ir.Expr:
    """WM152 at `node` for `subject.attr` (`action`: "read of", "assignment to"), the class
    name read through `type(x).__name__` being the one such read a value supports."""
    if attr in CHAIN:
        label = "set by `raise`"
        help = "raise the exception from its cause: `raise OrderError(order_id) from error`"
    elif attr in _NOT_KEPT:
        label = "not kept by the runtime"
        help = (
            "an exception keeps its class, message, args, attributes, notes and chain, not its "
            "traceback: pass what the handler needs in its args or an attribute"
        )
    elif attr == "__class__":
        label = "classes are not values"
        help = "read the class name with `type(x).__name__`; test the class with `isinstance`"
    else:
        label = "not a value's data"
        help = "values hold their data only; compute what you need in an action"
    message = f"{action} special attribute `{attr}` of `{ctx.code(subject)}`"
    return ctx.error(SPECIAL_ATTRIBUTE, node, message, label, help)


def enum_members(enum: ClassSym, span: ir.Span) -> ir.Expr:
    """An enum class read as a value (`for c in Channel`, `list(Channel)`, `len(Channel)`,
    `x in Channel`): what iterating it gives, its members in definition order, aliases left
    out as Python leaves them."""
    aliases = _aliases(enum)
    members = tuple(
        ir.EnumMember(type=enum.path, member=m, span=span) for m in enum.members if m not in aliases
    )
    listed = ir.TupleExpr(elts=members, span=span)
    return ir.Call(func=ENUM_MEMBERS, args=(listed,), kwargs=(), span=span)


def enum_lookup(enum: ClassSym, key: ir.Expr, span: ir.Span) -> ir.Expr:
    """`Channel[name]`: the member named `name` (an alias's canonical member), `KeyError` for
    any other name, as in Python."""
    return ir.Subscript(value=enum_by_name(enum, span), index=key, span=span)


def enum_by_name(enum: ClassSym, span: ir.Span) -> ir.DictExpr:
    """`Channel.__members__`: every name, aliases too, with its (canonical) member, in
    definition order (a dict, where Python has a read-only mapping)."""
    aliases = _aliases(enum)
    names = tuple(ir.Const(value=m, span=span) for m in enum.members)
    members = tuple(
        ir.EnumMember(type=enum.path, member=aliases.get(m, m), span=span) for m in enum.members
    )
    return ir.DictExpr(keys=names, values=members, span=span)


def _aliases(enum: ClassSym) -> dict[str, str]:
    return {} if enum.node is None else enum_aliases(enum.node)


def enum_member(enum: ClassSym, node: cst.Attribute, ctx: Ctx) -> ir.Expr:
    member = node.attr.value
    if member not in enum.members:
        help = did_you_mean(member, enum.members)
        message = f"`{enum.name}` has no member `{member}`"
        return ctx.error(UNKNOWN_ENUM_MEMBER, node.attr, message, "unknown member", help)
    member = _aliases(enum).get(member, member)  # `Color.CRIMSON` is `Color.RED`
    return ir.EnumMember(type=enum.path, member=member, span=ctx.span(node))
