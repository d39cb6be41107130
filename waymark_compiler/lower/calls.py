"""Lowering calls that are not awaited: pure builtins, pure methods, helper methods, and the
construction of models, dataclasses and exceptions.

What the callee is decides everything, so calls dispatch on the resolved symbol's type
(`call_<Symbol>`); every other callee (plain functions, the clock, randomness, I/O, actions
without `await`) is refused with the rule that explains why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

from waymark_compiler.context import Ctx, did_you_mean
from waymark_compiler.finder import is_installed
from waymark_compiler.literals import string_value
from waymark_compiler.lower.arguments import lower_arguments
from waymark_compiler.lower.classes import call_ClassSym, class_method
from waymark_compiler.lower.computed import is_computed, value_call
from waymark_compiler.lower.constants import changed_table, constant_table
from waymark_compiler.lower.dispatch import expression, lower_expr
from waymark_compiler.lower.expressions import is_string_literal
from waymark_compiler.lower.formatting import format_call, lower_format
from waymark_compiler.lower.functional import (
    accumulate_call,
    filter_call,
    fromkeys_call,
    groupby_call,
    map_call,
    reduce_call,
    while_call,
)
from waymark_compiler.lower.keys import KEYED, has_key, keyed_call
from waymark_compiler.lower.log import log_method, refuse_value
from waymark_compiler.lower.method_forms import (
    model_method_form,
    through_type,
    value_super_call,
    zone_missing,
)
from waymark_compiler.lower.names import (
    is_special,
    local_definition,
    missing_import,
    self_class,
    special_attribute,
)
from waymark_compiler.lower.patterns import known_class
from waymark_compiler.lower.regexes import pattern_substitution, substitution
from waymark_compiler.lower.spreads import deferred_call
from waymark_compiler.lower.standard import (
    HASH_CONSTRUCTORS,
    cast_call,
    collection_call,
    defaultdict_call,
    digest_call,
    hash_object,
    heap_call,
    json_dumps_call,
    super_call,
)
from waymark_compiler.lower.starmap import starmap_call
from waymark_compiler.lower.strings import text_of
from waymark_compiler.rules.expressions import (
    CLASS_VALUE,
    IMPURE_METHOD,
    UNSUPPORTED_CALL,
)
from waymark_compiler.rules.names import UNKNOWN_FUNCTION, UNKNOWN_HELPER
from waymark_compiler.rules.operations import ACTION_NOT_AWAITED, NON_CONSTANT_POLICY
from waymark_compiler.symbols import (
    ActionSym,
    BuiltinSym,
    ClassSym,
    ConstSym,
    ExternalSym,
    FunctionSym,
    KnownSym,
    LocalSym,
    MissingSym,
    ModuleSym,
    Symbol,
    VariableSym,
)
from waymark_compiler.tables import (
    MUTATING_METHODS,
    impure,
    refusal_label,
)
from waymark_runtime import ir
from waymark_runtime.vocabulary import (
    BISECT_FUNCTIONS,
    COPY_FUNCTIONS,
    DATACLASS_FUNCTIONS,
    DURATION,
    FORMATTING,
    FROM_TIMESTAMP,
    HEAPQ_FUNCTIONS,
    IS_SUBCLASS,
    ITERTOOLS_FUNCTIONS,
    PARTIAL,
    PURE_FUNCTIONS,
    PURE_METHODS,
    RE_FUNCTIONS,
    STANDARD_FUNCTIONS,
    TYPE_OF,
)


@expression
def lower_Call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    if (deferred := deferred_call(node, ctx)) is not None:
        return deferred  # a call put in a list that a gather spreads
    func = node.func
    if isinstance(func, cst.Attribute) and ctx.is_self(func.value):
        return self_call(node, func.attr.value, ctx)
    if isinstance(func, cst.Attribute) and self_class(func.value, ctx):
        return class_call(node, func.attr.value, ctx)
    if log_method(node, ctx) is not None:
        return refuse_value(node, ctx)
    symbol = ctx.symbol(func)
    if symbol is not None and is_computed(func, ctx):  # `TRIPLE(x)`, a module-level partial
        return value_call(node, ctx)
    if symbol is not None:
        return _BY_SYMBOL[type(symbol)](symbol, node, ctx)
    if isinstance(func, cst.Attribute) and isinstance(owner := ctx.symbol(func.value), ClassSym):
        return class_method(node, func.attr.value, owner, ctx)
    if isinstance(func, cst.Attribute):
        return method_call(node, func, ctx)
    if is_computed(func, ctx):  # `fmt(x)` of `fmt = partial(label, 2)`: a function value
        return value_call(node, ctx)
    help = "call functions by name; compute the value in an action if needed"
    return ctx.error(
        UNSUPPORTED_CALL, node, "call of a computed value", "not a known function", help
    )


# ---------------------------------------------------------------------------------------------
# Methods of self and of values
# ---------------------------------------------------------------------------------------------


def self_call(node: cst.Call, name: str, ctx: Ctx) -> ir.Expr:
    """`self.name(...)` outside an `await`: only synchronous helper methods."""
    if name in ("run_action", "wait_for_signal") or ctx.helpers.get(name) is True:
        help = f"await it: `await self.{name}(...)`"
        return ctx.error(
            ACTION_NOT_AWAITED,
            node,
            f"`self.{name}` called without await",
            "not awaited",
            help,
        )
    if not ctx.reaches(name):
        return unknown_helper(node, name, ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.HelperCall(name=name, args=args, kwargs=kwargs, span=ctx.span(node))


def class_call(node: cst.Call, name: str, ctx: Ctx) -> ir.Expr:
    """`type(self).name(...)`: a `@staticmethod` or `@classmethod` helper, called on the
    class."""
    if name in ctx.owner.helpers:
        return self_call(node, name, ctx)
    help = f"call it on the instance, `self.{name}(...)`, or make it a `@classmethod`"
    message = f"`{ctx.code(node.func)}` is not a static or class method of the workflow"
    return ctx.error(UNKNOWN_HELPER, node, message, "not class-level", help)


def unknown_helper(node: cst.CSTNode, name: str, ctx: Ctx) -> ir.Expr:
    if name == "run":
        help = "move the shared part into a helper method"
        return ctx.error(
            UNKNOWN_HELPER, node, "`self.run` called from the workflow", "recursion", help
        )
    if name in ctx.helpers:  # an instance method, called through `cls` in a classmethod
        help = f"make `{name}` a `@staticmethod` or `@classmethod`, or this one a plain method"
        message = f"`{ctx.function.self_name}.{name}` calls an instance method on the class"
        return ctx.error(UNKNOWN_HELPER, node, message, "needs an instance", help)
    help = did_you_mean(name, ctx.helpers) or "define it as a method of the workflow class"
    message = f"`self.{name}` is not a helper method of the workflow"
    return ctx.error(UNKNOWN_HELPER, node, message, "unknown helper", help)


def type_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`type(x)` as a value: the class of `x` (what `isinstance`, `is` and `==` take); the
    three-argument form, which makes a class, is refused."""
    if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
        help = "call `type(value)` with one argument; define classes at module level"
        return ctx.error(UNSUPPORTED_CALL, node, "`type` with these arguments", "a new class", help)
    value = lower_expr(node.args[0].value, ctx)
    return ir.Call(func=TYPE_OF, args=(value,), kwargs=(), span=ctx.span(node))


def issubclass_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`issubclass(kind, T)`: `kind` a class value, `T` as `isinstance` takes it."""
    if len(node.args) != 2 or any(a.keyword is not None or a.star for a in node.args):
        help = "call it as `issubclass(kind, SomeClass)`"
        return ctx.error(UNSUPPORTED_CALL, node, "`issubclass` with these arguments", "", help)
    kind = lower_expr(node.args[0].value, ctx)
    bases = type_ref(node.args[1].value, ctx, unions=True)
    return ir.Call(func=IS_SUBCLASS, args=(kind, bases), kwargs=(), span=ctx.span(node))


def _class_function(func: cst.Attribute, ctx: Ctx) -> str | None:
    """`builtins.int.from_bytes` for `int.from_bytes`: a pure function of a builtin class."""
    symbol = ctx.symbol(func.value)
    if not isinstance(symbol, BuiltinSym):
        return None  # (`bytes.fromhex`, of a class that is no pure builtin: `class_method`)
    qualname = f"builtins.{symbol.name}.{func.attr.value}"
    return qualname if qualname in STANDARD_FUNCTIONS else None


def method_call(node: cst.Call, func: cst.Attribute, ctx: Ctx) -> ir.Expr:
    method = func.attr.value
    if (digest := digest_call(node, func, ctx)) is not None:
        return digest  # `hashlib.sha256(data).hexdigest()`
    if method == "fromkeys" and ctx.symbol(func.value) == BuiltinSym("dict"):
        return fromkeys_call(node, ctx)
    if (qualname := _class_function(func, ctx)) is not None:  # `int.from_bytes(data, "big")`
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=qualname, args=args, kwargs=kwargs, span=ctx.span(node))
    if method in MUTATING_METHODS and (table := constant_table(func.value, ctx)) is not None:
        return changed_table(node, table, ctx)
    if method == "format":
        constant = isinstance(ctx.symbol(func.value), ConstSym)  # `TEMPLATE = "..."`
        literal = is_string_literal(func.value) or constant
        template = lower_expr(func.value, ctx) if literal else None
        if isinstance(template, ir.Const) and isinstance(template.value, str):
            lowered = lower_format(node, template.value, ctx)
            if lowered is not None:
                return lowered  # else formatted at run time, as any other template
    if (replaced := pattern_substitution(node, func, ctx)) is not None:
        return replaced  # `PATTERN.sub(f, text)`: `f` called on each match
    if (unbound := through_type(node, func, ctx)) is not None:
        return unbound  # `str.upper(s)`
    if (inherited := value_super_call(node, func, ctx)) is not None:
        return inherited
    reported = len(ctx.sink.items)
    value = lower_expr(func.value, ctx)
    helper = None if ctx.functions is None else ctx.functions.method(method)
    if helper is not None and len(ctx.sink.items) == reported:
        # a method of a known class (`lower.properties`), else the method call as written
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.HelperCall(name=helper, args=(value, *args), kwargs=kwargs, span=ctx.span(node))
    if method not in PURE_METHODS and method not in FORMATTING:
        if len(ctx.sink.items) > reported:  # `open(path).read()`: the receiver is at fault
            return value
        help = f"call `{method}` inside an action and await the action"
        message = f"call of method `{method}`, which is not a known pure method"
        return ctx.error(IMPURE_METHOD, func.attr, message, "not a pure method", help)
    if method == "astimezone" and (refused := zone_missing(node, "astimezone()", 0, ctx)):
        return refused
    if (refused := model_method_form(node, method, ctx)) is not None:
        return refused
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.MethodCall(obj=value, method=method, args=args, kwargs=kwargs, span=ctx.span(node))


# ---------------------------------------------------------------------------------------------
# Calls by what the callee resolves to
# ---------------------------------------------------------------------------------------------


def call_BuiltinSym(symbol: BuiltinSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    if symbol.name in KEYED and has_key(node):
        return keyed_call(symbol.name, node, ctx)
    if symbol.name == "isinstance" and len(node.args) == 2 and not node.args[1].star:
        value = lower_expr(node.args[0].value, ctx)
        kinds = type_ref(node.args[1].value, ctx, unions=True)
        return ir.Call(func="isinstance", args=(value, kinds), kwargs=(), span=ctx.span(node))
    if symbol.name in ("getattr", "hasattr") and (name := _literal_name(node)) is not None:
        return special_attribute(node, node.args[0].value, name, "read of", ctx)
    args, kwargs = lower_arguments(node.args, ctx)
    one = len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star
    if symbol.name == "str" and one:  # a class's own `__str__`, if any
        args = (text_of(args[0], "__str__", ctx),)
    elif (
        symbol.name == "repr"
        and one
        and (shown := text_of(args[0], "__repr__", ctx)) is not args[0]
    ):
        return shown
    return ir.Call(func=symbol.name, args=args, kwargs=kwargs, span=ctx.span(node))


def _union_member(node: cst.BaseExpression, ctx: Ctx) -> ir.Expr:
    """A class of a union, where `None` stands for its class (`str | None`)."""
    if isinstance(node, cst.Name) and node.value == "None":
        return ir.TypeRef(type="builtins:NoneType", span=ctx.span(node))
    if isinstance(node, cst.Tuple):  # `(A, B) | C`: Python's `TypeError` for `tuple | type`
        help = "join the classes in one union, `A | B | C`, or one tuple, `(A, B, C)`"
        return ctx.error(CLASS_VALUE, node, "a tuple in a union of classes", "a tuple", help)
    return type_ref(node, ctx, unions=True)


def _literal_name(node: cst.Call) -> str | None:
    """The special attribute `getattr(x, "__cause__")` names by a literal, or None."""
    if len(node.args) < 2 or not isinstance(node.args[1].value, cst.SimpleString):
        return None
    name = string_value(node.args[1].value)
    return name if isinstance(name, str) and is_special(name) else None


def type_ref(node: cst.BaseExpression, ctx: Ctx, *, unions: bool = False) -> ir.Expr:
    """The class argument of `isinstance`: a class or a tuple of classes, as `TypeRef`s; with
    `unions`, a union `int | float` too, which `isinstance` takes as the tuple of its classes."""
    if isinstance(node, cst.Tuple):
        parts = tuple(type_ref(e.value, ctx, unions=unions) for e in node.elements)
        return ir.TupleExpr(elts=parts, span=ctx.span(node))
    if unions and isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        members = (_union_member(side, ctx) for side in (node.left, node.right))
        parts = tuple(p for m in members for p in (m.elts if isinstance(m, ir.TupleExpr) else (m,)))
        return ir.TupleExpr(elts=parts, span=ctx.span(node))
    symbol = ctx.symbol(node)
    if isinstance(symbol, ClassSym) and symbol.kind == "typeddict":
        help = 'test the keys instead (`"path" in entry`)'
        message = "a TypedDict class with `isinstance` (Python raises `TypeError`)"
        return ctx.error(CLASS_VALUE, node, message, "a TypedDict", help)
    if (path := known_class(symbol)) is not None:
        return ir.TypeRef(type=path, span=ctx.span(node))
    if isinstance(symbol, VariableSym) and symbol.classes:  # `isinstance(x, NUMBERS)`
        paths = (known_class(held) or "builtins:object" for held in symbol.classes)
        refs = tuple(ir.TypeRef(type=path, span=ctx.span(node)) for path in paths)
        return ir.TupleExpr(elts=refs, span=ctx.span(node))
    if isinstance(symbol, LocalSym):
        return local_definition(symbol, node, ctx)
    help = "pass a class, or a tuple of classes, defined at module level"
    return ctx.error(CLASS_VALUE, node, "`isinstance` needs a class", "not a class", help)


def call_ActionSym(symbol: ActionSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    help = f"await it (`await {name}(...)`), or pass it to `asyncio.gather` or `self.run_action`"
    return ctx.error(
        ACTION_NOT_AWAITED, node, f"action `{name}` called without await", "not awaited", help
    )


def call_KnownSym(symbol: KnownSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    if symbol.what in ("gather", "sleep", "wait_for"):
        help = f"await it: `await {name}(...)`"
        return ctx.error(
            ACTION_NOT_AWAITED, node, f"`{name}` called without await", "not awaited", help
        )
    if symbol.what in ("RetryPolicy", "BackoffPolicy"):
        help = "pass it directly as `retry=` or `backoff=` of `self.run_action(...)`"
        return ctx.error(
            NON_CONSTANT_POLICY,
            node,
            f"`{name}` outside `self.run_action`",
            "not a policy",
            help,
        )
    if symbol.what == "timedelta":
        return _timedelta(node, ctx)
    return call_FunctionSym(symbol, node, ctx)


def _timedelta(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`timedelta(1, 30)`, `timedelta(minutes=10)`: Python's own constructor at run time."""
    args, kwargs = lower_arguments(node.args, ctx)
    return ir.Call(func=DURATION, args=args, kwargs=kwargs, span=ctx.span(node))


def call_FunctionSym(symbol: Symbol, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    helper = module_helper(symbol, ctx)
    if helper is not None and isinstance(symbol, FunctionSym) and not symbol.is_async:
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.HelperCall(name=helper, args=args, kwargs=kwargs, span=ctx.span(node))
    if helper is not None:
        help = f"await it: `await {name}(...)`"
        message = f"async function `{name}` called without await"
        return ctx.error(ACTION_NOT_AWAITED, node, message, "not awaited", help)
    if _installed(symbol):  # `urlparse`, `requests.get`: not code the user can decorate
        where = symbol.path.replace(":", ".") if isinstance(symbol, FunctionSym) else name
        help = "call it inside an action and await the action"
        message = f"call of `{where}`, which the workflow runtime does not implement"
        return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)
    if isinstance(symbol, VariableSym) and symbol.named_tuple is not None:
        typename = symbol.named_tuple  # `P = namedtuple("Point", ...)`, `Point` bound too
        help = (f'bind the class to its own name, `{typename} = namedtuple("{typename}", ...)`, '
                f"and give no other binding of the module the name `{typename}`")  # fmt: skip
        message = f"named tuple class `{name}` is named `{typename}`, a name the module also uses"
        return ctx.error(UNSUPPORTED_CALL, node, message, "ambiguous class name", help)
    help = (f"decorate `{name}` with `@action` and await it, or write it as an undecorated "
            "function of your own code (or a helper method)")  # fmt: skip
    message = f"call of `{name}`, which is not an action, a pure builtin or a helper"
    return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)


def _installed(symbol: Symbol) -> bool:
    """Is `symbol` a function of the standard library or an installed package?"""
    if not isinstance(symbol, FunctionSym) or symbol.namespace is None:
        return False
    return is_installed(symbol.namespace)


def module_helper(symbol: Symbol | None, ctx: Ctx) -> str | None:
    """The helper name of a plain function defined at the top of the workflow's module, which
    the workflow compiles with its methods (None for any other symbol)."""
    if not isinstance(symbol, FunctionSym) or ctx.functions is None:
        return None
    return ctx.functions.helper(symbol)


def call_ExternalSym(symbol: ExternalSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    if symbol.qualname == FROM_TIMESTAMP and (
        refused := zone_missing(node, "fromtimestamp()", 1, ctx)
    ):
        return refused
    if symbol.qualname in _LOWERED:
        return _LOWERED[symbol.qualname](node, ctx)
    if (
        symbol.qualname in PURE_FUNCTIONS
        or symbol.qualname in STANDARD_FUNCTIONS
        or symbol.qualname in DATACLASS_FUNCTIONS
        or symbol.qualname in COPY_FUNCTIONS
        or symbol.qualname in ITERTOOLS_FUNCTIONS
        or symbol.qualname in RE_FUNCTIONS
        or symbol.qualname == PARTIAL
    ):
        args, kwargs = lower_arguments(node.args, ctx)
        return ir.Call(func=symbol.qualname, args=args, kwargs=kwargs, span=ctx.span(node))
    name = ctx.code(node.func)
    refusal = impure(symbol.qualname)
    if refusal is not None:
        code, what, help = refusal
        return ctx.error(code, node, f"`{name}()` {what}", refusal_label(code), help)
    help = "call it inside an action and await the action"
    message = f"call of `{name}`, which the workflow runtime does not implement"
    return ctx.error(UNSUPPORTED_CALL, node, message, "unsupported call", help)


def fields_call(node: cst.Call, ctx: Ctx) -> ir.Expr:
    """`dataclasses.fields(x)` of a dataclass instance, or of a dataclass named as the class
    itself (`fields(Order)`), which is a class value here only."""
    span, args = ctx.span(node), node.args
    if len(args) == 1 and args[0].keyword is None and not args[0].star:
        symbol = ctx.symbol(args[0].value)
        if isinstance(symbol, ClassSym) and symbol.kind == "dataclass":
            ref = ir.TypeRef(type=symbol.path, span=ctx.span(args[0].value))
            return ir.Call(func="dataclasses.fields", args=(ref,), kwargs=(), span=span)
    lowered, kwargs = lower_arguments(args, ctx)
    return ir.Call(func="dataclasses.fields", args=lowered, kwargs=kwargs, span=span)


def call_MissingSym(symbol: MissingSym, node: cst.Call, ctx: Ctx) -> ir.Expr:
    name = ctx.code(node.func)
    if symbol.origin is not None:
        message, help = missing_import(symbol, ctx)
        return ctx.error(UNKNOWN_FUNCTION, node.func, message, "not found", help)
    hint = did_you_mean(symbol.name, [*ctx.resolver.names(), *ctx.function.locals])
    return ctx.error(UNKNOWN_FUNCTION, node.func, f"unknown function `{name}`", "not defined", hint)


_LOWERED: dict[str, Callable[[cst.Call, Ctx], ir.Expr]] = {
    "builtins.map": map_call,
    "builtins.filter": filter_call,
    "builtins.format": format_call,
    "itertools.groupby": groupby_call,
    "itertools.starmap": starmap_call,
    "builtins.type": type_call,
    "builtins.issubclass": issubclass_call,
    "itertools.takewhile": while_call,
    "itertools.accumulate": accumulate_call,
    "itertools.dropwhile": while_call,
    "functools.reduce": reduce_call,
    "_functools.reduce": reduce_call,
    "typing.cast": cast_call,
    "dataclasses.fields": fields_call,
    "json.dumps": json_dumps_call,
    "_collections.defaultdict": defaultdict_call,
    "collections.defaultdict": defaultdict_call,
    "_collections.deque": collection_call("collections.deque"),
    "_collections.OrderedDict": collection_call("collections.OrderedDict"),
    "builtins.super": super_call,
    "collections.deque": collection_call("collections.deque"),
    "collections.ChainMap": collection_call("collections.ChainMap"),
    "collections.OrderedDict": collection_call("collections.OrderedDict"),
    **dict.fromkeys(HEAPQ_FUNCTIONS | BISECT_FUNCTIONS, heap_call),
    **dict.fromkeys(HASH_CONSTRUCTORS, hash_object),
    "hmac.new": hash_object,
    "re.sub": substitution,
    "re.subn": substitution,
}

_BY_SYMBOL: dict[type[Any], Callable[[Any, cst.Call, Ctx], ir.Expr]] = {
    BuiltinSym: call_BuiltinSym,
    ClassSym: call_ClassSym,
    ActionSym: call_ActionSym,
    KnownSym: call_KnownSym,
    FunctionSym: call_FunctionSym,
    ModuleSym: call_FunctionSym,
    ConstSym: call_FunctionSym,
    VariableSym: call_FunctionSym,
    ExternalSym: call_ExternalSym,
    MissingSym: call_MissingSym,
    LocalSym: lambda symbol, node, ctx: local_definition(symbol, node.func, ctx),
}
