"""Parse tree → IR for expressions, comprehensions and f-strings.

A Lark transformer mixin: one method per grammar rule (or alias), each building one IR node from
already-built children. It only builds IR; the few checks it makes are the ones the grammar cannot
express (identifier validity, assignment targets, argument order), raised as `WrlSyntaxError`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer, v_args

from waymark_runtime import ir
from waymark_runtime.errors import WrlSyntaxError
from waymark_runtime.wrl import lexicon

EXPR_TYPES: tuple[type, ...] = typing.get_args(ir.Expr)


# --- intermediate values that exist only while building ------------------------------------------


@dataclass(frozen=True, slots=True)
class Args:
    args: tuple[ir.Expr, ...]
    kwargs: tuple[ir.Keyword, ...]


NO_ARGS = Args((), ())


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: ir.Expr
    value: ir.Expr


# --- helpers ---------------------------------------------------------------------------------------


def syntax_error(where: Any, message: str) -> WrlSyntaxError:
    """An error at a token or a tree's meta (1-based line and column)."""
    return WrlSyntaxError(message, getattr(where, "line", 0) or 0, getattr(where, "column", 0) or 0)


def name_of(token: Token) -> str:
    name = lexicon.read_name(str(token))
    if name is None:
        raise syntax_error(token, f"`{token}` is not a valid identifier")
    if name in lexicon.HARD_KEYWORDS and not lexicon.is_escaped(str(token)):
        raise syntax_error(
            token, f"`{name}` is a keyword; write `` `{name}` `` to use it as a name"
        )
    return name


def path_of(token: Token) -> str:
    path = lexicon.read_path(str(token))
    if path is None:
        raise syntax_error(token, f"`{token}` is not a valid import path")
    return path


def string_of(token: Token) -> str:
    value = lexicon.read_string(str(token))
    if value is None:
        raise syntax_error(token, "invalid escape sequence in string")
    return value


def present(children: list[Any]) -> list[Any]:
    """Children without the `None` placeholders of absent optional parts."""
    return [child for child in children if child is not None]


def to_target(node: ir.Expr, where: Any) -> ir.Target:
    """An assignment target read as an expression: a name, subscript, (starred) tuple of them."""
    if isinstance(node, ir.Name | ir.Subscript | ir.Attribute):
        return node
    if isinstance(node, ir.TupleExpr):
        return ir.TupleExpr(elts=tuple(to_target(elt, where) for elt in node.elts))
    if isinstance(node, ir.Starred):
        return ir.Starred(value=to_target(node.value, where))
    raise syntax_error(where, f"cannot assign to {_describe(node)}")


def _describe(node: Any) -> str:
    kinds = {ir.ListExpr: "a list display", ir.Const: "a literal"}
    return kinds.get(type(node), "this expression")


def _binary(left: ir.Expr, rest: list[Any]) -> ir.Expr:
    """`a - b + c` as left-nested BinOps."""
    for index in range(0, len(rest), 2):
        left = ir.BinOp(op=str(rest[index]), left=left, right=rest[index + 1])  # type: ignore[arg-type]
    return left


@v_args(meta=True)
class ExprBuilder(Transformer[Token, Any]):
    """Builds expressions and patterns; mixed into the statement builder."""

    # --- literals and names ----------------------------------------------------------------------

    def name(self, meta: Any, children: list[Any]) -> ir.Name:
        return ir.Name(id=name_of(children[0]))

    def number(self, meta: Any, children: list[Any]) -> ir.Const:
        return ir.Const(value=lexicon.read_number(str(children[0])))

    def string(self, meta: Any, children: list[Any]) -> ir.Const:
        return ir.Const(value=string_of(children[0]))

    def none(self, meta: Any, children: list[Any]) -> ir.Const:
        return ir.Const(value=None)

    def true(self, meta: Any, children: list[Any]) -> ir.Const:
        return ir.Const(value=True)

    def false(self, meta: Any, children: list[Any]) -> ir.Const:
        return ir.Const(value=False)

    def const(self, meta: Any, children: list[Any]) -> ir.Const:
        return ir.Const(value=children[0])

    def signed_number(self, meta: Any, children: list[Any]) -> int | float:
        tokens = [str(child) for child in present(children)]
        magnitude = tokens[-1]
        value = float(magnitude) if magnitude in ("inf", "nan") else lexicon.read_number(magnitude)
        return -value if tokens[0] == "-" else value

    def enum_member(self, meta: Any, children: list[Any]) -> ir.EnumMember:
        path = path_of(children[0])
        module, _, qualname = path.partition(":")
        owner, dot, member = qualname.rpartition(".")
        if not dot:
            raise syntax_error(children[0], "an enum member is written `module:Class.MEMBER`")
        return ir.EnumMember(type=f"{module}:{owner}", member=member)

    def type_ref(self, meta: Any, children: list[Any]) -> ir.TypeRef:
        return ir.TypeRef(type=path_of(children[0]))

    def action_ref(self, meta: Any, children: list[Any]) -> ir.ActionRef:
        return ir.ActionRef(action=path_of(children[0]))

    def helper_ref(self, meta: Any, children: list[Any]) -> ir.HelperRef:
        return ir.HelperRef(name=name_of(children[0]))

    def call_value(self, meta: Any, children: list[Any]) -> ir.CallValue:
        args = children[1] or NO_ARGS
        return ir.CallValue(callee=children[0], args=args.args, kwargs=args.kwargs)

    # --- displays and comprehensions ---------------------------------------------------------------

    def tuple_display(self, meta: Any, children: list[Any]) -> ir.TupleExpr:
        return ir.TupleExpr(elts=tuple(present(children)))

    tuple_items = tuple_display
    target_items = tuple_display
    subscript_tuple = tuple_display

    def list_display(self, meta: Any, children: list[Any]) -> ir.ListExpr:
        return ir.ListExpr(elts=tuple(present(children)))

    def set_display(self, meta: Any, children: list[Any]) -> ir.SetExpr:
        return ir.SetExpr(elts=tuple(present(children)))

    def dict_display(self, meta: Any, children: list[Any]) -> ir.DictExpr:
        keys: list[ir.Expr | None] = []
        values: list[ir.Expr] = []
        for entry in present(children):
            if isinstance(entry, KeyValue):
                keys.append(entry.key)
                values.append(entry.value)
            else:  # `**mapping`, built as a keyword without a name
                keys.append(None)
                values.append(entry.value)
        return ir.DictExpr(keys=tuple(keys), values=tuple(values))

    def key_value(self, meta: Any, children: list[Any]) -> KeyValue:
        return KeyValue(children[0], children[1])

    def star_expr(self, meta: Any, children: list[Any]) -> ir.Starred:
        return ir.Starred(value=children[0])

    def list_comp(self, meta: Any, children: list[Any]) -> ir.Comprehension:
        return ir.Comprehension(kind="list", elt=children[0], value=None, generators=children[1])

    def set_comp(self, meta: Any, children: list[Any]) -> ir.Comprehension:
        return ir.Comprehension(kind="set", elt=children[0], value=None, generators=children[1])

    def generator_exp(self, meta: Any, children: list[Any]) -> ir.Comprehension:
        return ir.Comprehension(kind="gen", elt=children[0], value=None, generators=children[1])

    def dict_comp(self, meta: Any, children: list[Any]) -> ir.Comprehension:
        key, value, clauses = children
        return ir.Comprehension(kind="dict", elt=key, value=value, generators=clauses)

    def comp_for(self, meta: Any, children: list[Any]) -> tuple[ir.Generator, ...]:
        return tuple(children)

    def generator(self, meta: Any, children: list[Any]) -> ir.Generator:
        target, iterable, *conditions = children
        return ir.Generator(target=to_target(target, meta), iter=iterable, ifs=tuple(conditions))

    # --- operators ------------------------------------------------------------------------------

    def named_expr(self, meta: Any, children: list[Any]) -> ir.NamedExpr:
        return ir.NamedExpr(target=ir.Name(id=name_of(children[0])), value=children[1])

    def if_exp(self, meta: Any, children: list[Any]) -> ir.IfExp:
        body, test, orelse = children
        return ir.IfExp(test=test, body=body, orelse=orelse)

    def or_op(self, meta: Any, children: list[Any]) -> ir.BoolOp:
        return ir.BoolOp(op="or", values=tuple(children))

    def and_op(self, meta: Any, children: list[Any]) -> ir.BoolOp:
        return ir.BoolOp(op="and", values=tuple(children))

    def not_op(self, meta: Any, children: list[Any]) -> ir.UnaryOp:
        return ir.UnaryOp(op="not", operand=children[0])

    def compare(self, meta: Any, children: list[Any]) -> ir.Compare:
        return ir.Compare(
            left=children[0], ops=tuple(children[1::2]), comparators=tuple(children[2::2])
        )

    def comp_op(self, meta: Any, children: list[Any]) -> str:
        return " ".join(str(token) for token in children)

    def bin_chain(self, meta: Any, children: list[Any]) -> ir.Expr:
        return _binary(children[0], children[1:])

    def unary_op(self, meta: Any, children: list[Any]) -> ir.UnaryOp:
        return ir.UnaryOp(op=str(children[0]), operand=children[1])  # type: ignore[arg-type]

    def power_op(self, meta: Any, children: list[Any]) -> ir.BinOp:
        return ir.BinOp(op="**", left=children[0], right=children[1])

    # --- accessors and calls ----------------------------------------------------------------------

    def attribute(self, meta: Any, children: list[Any]) -> ir.Attribute:
        return ir.Attribute(value=children[0], attr=name_of(children[1]))

    def subscript(self, meta: Any, children: list[Any]) -> ir.Subscript:
        index = children[1]
        if isinstance(index, ir.Starred):  # `x[*a]` indexes with a one-element tuple
            index = ir.TupleExpr(elts=(index,))
        return ir.Subscript(value=children[0], index=index)

    def slice_expr(self, meta: Any, children: list[Any]) -> ir.Slice:
        lower, upper, step = children
        return ir.Slice(lower=lower, upper=upper, step=step)

    def call(self, meta: Any, children: list[Any]) -> ir.Call:
        func, args = children[0], children[1] or NO_ARGS
        name = str(func)[1:-1] if func.type == "FUNCTION" else name_of(func)
        return ir.Call(func=name, args=args.args, kwargs=args.kwargs)

    def method_call(self, meta: Any, children: list[Any]) -> ir.MethodCall:
        obj, method, args = children
        args = args or NO_ARGS
        return ir.MethodCall(obj=obj, method=name_of(method), args=args.args, kwargs=args.kwargs)

    def helper_call(self, meta: Any, children: list[Any]) -> ir.HelperCall:
        args = children[1] or NO_ARGS
        return ir.HelperCall(name=name_of(children[0]), args=args.args, kwargs=args.kwargs)

    def new(self, meta: Any, children: list[Any]) -> ir.New:
        args = children[1] or NO_ARGS
        return ir.New(type=path_of(children[0]), args=args.args, kwargs=args.kwargs)

    def arguments(self, meta: Any, children: list[Any]) -> Args:
        positional: list[ir.Expr] = []
        keywords: list[ir.Keyword] = []
        for child in present(children):
            if isinstance(child, ir.Keyword):
                keywords.append(child)
            elif keywords and not isinstance(child, ir.Starred):
                raise syntax_error(meta, "positional argument follows a keyword argument")
            else:
                positional.append(child)
        return Args(tuple(positional), tuple(keywords))

    def generator_argument(self, meta: Any, children: list[Any]) -> Args:
        elt, clauses = children
        return Args((ir.Comprehension(kind="gen", elt=elt, value=None, generators=clauses),), ())

    def keyword_argument(self, meta: Any, children: list[Any]) -> ir.Keyword:
        return ir.Keyword(name=name_of(children[0]), value=children[1])

    def double_star(self, meta: Any, children: list[Any]) -> ir.Keyword:
        return ir.Keyword(name=None, value=children[0])

    # --- f-strings ------------------------------------------------------------------------------

    def fstring(self, meta: Any, children: list[Any]) -> ir.FString:
        return ir.FString(parts=tuple(present(children)))

    def fstring_text(self, meta: Any, children: list[Any]) -> str:
        return string_of(children[0])

    def formatted_value(self, meta: Any, children: list[Any]) -> ir.FormattedValue:
        value, conversion, spec = children
        flag = None if conversion is None else str(conversion)[1]
        return ir.FormattedValue(value=value, conversion=flag, spec=spec)  # type: ignore[arg-type]

    def format_spec(self, meta: Any, children: list[Any]) -> ir.FString:
        spec = children[0]
        return spec if isinstance(spec, ir.FString) else ir.FString(parts=(string_of(spec),))
