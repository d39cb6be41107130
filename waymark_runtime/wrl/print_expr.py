"""Canonical `.wrl` text of expressions.

Each `print_<Node>` returns the text and its binding strength; `operand` adds parentheses exactly
where Python's precedence table (`precedence`) needs them, so the parser reads back the same
tree. Starred items and slices only print where the grammar allows them (displays, calls,
targets, subscripts).
Owns no statement layout, no patterns (`print_pattern`) and no parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.errors import InternalError
from waymark_runtime.wrl import lexicon
from waymark_runtime.wrl.precedence import BINARY_PRECEDENCE, COMPARE_OPERATORS, Prec

Printed = tuple[str, int]


def expr(node: ir.Expr) -> str:
    """The text of an expression in a context that accepts any expression but a bare tuple."""
    return operand(node, Prec.TEST)


def operand(node: ir.Expr, minimum: int) -> str:
    """The text of `node`, parenthesised if it binds more loosely than `minimum`."""
    text, strength = print_node(node)
    return text if strength >= minimum else f"({text})"


def print_node(node: Any) -> Printed:
    """The text and binding strength of any expression node."""
    printer = _EXPR_PRINTERS.get(type(node))
    if printer is None:
        raise InternalError(f"cannot print {type(node).__name__} as a .wrl expression")
    return printer(node)


# --- sequences of items ---------------------------------------------------------------------------


def item(node: ir.Expr) -> str:
    """An element of a display, a tuple or a call: `*value` or an expression."""
    if isinstance(node, ir.Starred):
        return "*" + operand(node.value, Prec.BIT_OR)
    return expr(node)


def bare_tuple(node: ir.Expr) -> str:
    """A statement-level expression list: a non-empty tuple is written without parentheses."""
    if isinstance(node, ir.TupleExpr) and node.elts:
        return _join_tuple(node.elts)
    return item(node)


def _join_tuple(elts: Sequence[ir.Expr]) -> str:
    text = ", ".join(item(elt) for elt in elts)
    return text + "," if len(elts) == 1 else text


def arguments(args: Sequence[ir.Expr], kwargs: Sequence[ir.Keyword]) -> str:
    """The inside of a call's parentheses; a lone generator needs no parentheses of its own."""
    if len(args) == 1 and not kwargs and _is_generator(args[0]):
        return print_node(args[0])[0][1:-1]
    return ", ".join([item(arg) for arg in args] + [keyword(kw) for kw in kwargs])


def _is_generator(node: ir.Expr) -> bool:
    return isinstance(node, ir.Comprehension) and node.kind == "gen"


def keyword(node: ir.Keyword) -> str:
    if not isinstance(node, ir.Keyword):
        raise InternalError(f"expected a Keyword, got {type(node).__name__}")
    if node.name is None:
        return "**" + operand(node.value, Prec.BIT_OR)
    return f"{lexicon.format_name(node.name, lexicon.HARD_KEYWORDS)}={expr(node.value)}"


def generators(clauses: Sequence[ir.Generator]) -> str:
    """` for target in iterable if condition` clauses of comprehensions and spreads."""
    return "".join(_generator(clause) for clause in clauses)


def _generator(clause: ir.Generator) -> str:
    ifs = "".join(" if " + operand(cond, Prec.OR) for cond in clause.ifs)
    return f" for {bare_tuple(clause.target)} in {operand(clause.iter, Prec.OR)}{ifs}"


# --- leaves ---------------------------------------------------------------------------------------


def print_Const(node: ir.Const) -> Printed:
    value = node.value
    if value is None or isinstance(value, bool):
        return repr(value), Prec.ATOM
    if isinstance(value, str):
        return lexicon.format_string(value), Prec.ATOM
    if isinstance(value, int | float):
        if lexicon.needs_const(value):
            return f"const({lexicon.format_signed_number(value)})", Prec.ATOM
        return lexicon.format_number(value), Prec.ATOM
    raise InternalError(f"unsupported constant of type {type(value).__name__}")


def print_Name(node: ir.Name) -> Printed:
    return lexicon.format_name(node.id), Prec.ATOM


def print_EnumMember(node: ir.EnumMember) -> Printed:
    member = lexicon.format_name(node.member, frozenset())
    return f"enum {lexicon.format_path(node.type)}.{member}", Prec.ATOM


def print_TypeRef(node: ir.TypeRef) -> Printed:
    return f"type {lexicon.format_path(node.type)}", Prec.ATOM


def print_ActionRef(node: ir.ActionRef) -> Printed:
    return f"action {lexicon.format_path(node.action)}", Prec.ATOM


def print_HelperRef(node: ir.HelperRef) -> Printed:
    return f"fn {lexicon.format_name(node.name, lexicon.HARD_KEYWORDS)}", Prec.ATOM


def print_CallValue(node: ir.CallValue) -> Printed:
    return f"({print_node(node.callee)[0]})({arguments(node.args, node.kwargs)})", Prec.ATOM


def _misplaced(node: Any) -> Printed:
    raise InternalError(f"{type(node).__name__} is only valid inside a display, call or subscript")


# --- displays -------------------------------------------------------------------------------------


def print_ListExpr(node: ir.ListExpr) -> Printed:
    return "[" + ", ".join(item(elt) for elt in node.elts) + "]", Prec.ATOM


def print_TupleExpr(node: ir.TupleExpr) -> Printed:
    return "(" + _join_tuple(node.elts) + ")", Prec.ATOM


def print_SetExpr(node: ir.SetExpr) -> Printed:
    # Python has no empty set display; `{,}` keeps SetExpr(()) apart from `{}` and `set()`.
    return "{" + (", ".join(item(elt) for elt in node.elts) or ",") + "}", Prec.ATOM


def print_DictExpr(node: ir.DictExpr) -> Printed:
    if len(node.keys) != len(node.values):
        raise InternalError("DictExpr has different numbers of keys and values")
    entries = [_dict_entry(key, value) for key, value in zip(node.keys, node.values, strict=True)]
    return "{" + ", ".join(entries) + "}", Prec.ATOM


def _dict_entry(key: ir.Expr | None, value: ir.Expr) -> str:
    if key is None:
        return "**" + operand(value, Prec.BIT_OR)
    return f"{expr(key)}: {expr(value)}"


def print_Comprehension(node: ir.Comprehension) -> Printed:
    if not node.generators:
        raise InternalError("a comprehension needs at least one generator")
    if (node.kind == "dict") != (node.value is not None):
        raise InternalError("only a dict comprehension has a value expression")
    clauses = generators(node.generators)
    if node.value is not None:
        return f"{{{expr(node.elt)}: {expr(node.value)}{clauses}}}", Prec.ATOM
    opening, closing = _COMPREHENSION_BRACKETS[node.kind]
    return f"{opening}{expr(node.elt)}{clauses}{closing}", Prec.ATOM


_COMPREHENSION_BRACKETS = {"list": ("[", "]"), "set": ("{", "}"), "gen": ("(", ")")}


# --- accessors and calls --------------------------------------------------------------------------


def _base(node: ir.Expr) -> str:
    """The object of `.name` or `[index]`.

    `1.real` would read as a float and `enum m:Color.RED.value` as a longer path, so those
    objects get parentheses.
    """
    if isinstance(node, ir.Const) and type(node.value) is int and node.value >= 0:
        return f"({print_node(node)[0]})"
    if isinstance(node, ir.EnumMember | ir.TypeRef | ir.ActionRef | ir.HelperRef):
        return f"({print_node(node)[0]})"
    return operand(node, Prec.ATOM)


def _member(name: str) -> str:
    # After a dot only a name can follow, so only Python's own keywords need escaping.
    return lexicon.format_name(name, lexicon.HARD_KEYWORDS)


def print_Attribute(node: ir.Attribute) -> Printed:
    return f"{_base(node.value)}.{_member(node.attr)}", Prec.ATOM


def print_Subscript(node: ir.Subscript) -> Printed:
    return f"{_base(node.value)}[{_index(node.index)}]", Prec.ATOM


def _index(node: ir.Expr) -> str:
    if isinstance(node, ir.TupleExpr) and node.elts:
        text = ", ".join(_index_item(elt) for elt in node.elts)
        return text + "," if len(node.elts) == 1 else text
    if isinstance(node, ir.Slice):
        return _slice(node)
    return expr(node)


def _index_item(node: ir.Expr) -> str:
    return _slice(node) if isinstance(node, ir.Slice) else item(node)


def _slice(node: ir.Slice) -> str:
    lower, upper = (_optional(part) for part in (node.lower, node.upper))
    step = "" if node.step is None else ":" + expr(node.step)
    return f"{lower}:{upper}{step}"


def _optional(node: ir.Expr | None) -> str:
    return "" if node is None else expr(node)


def print_Call(node: ir.Call) -> Printed:
    if "." in node.func:  # a function of a standard module: `math.ceil`, in backquotes
        func = (
            "`"
            + ".".join(lexicon.format_name(part, frozenset()) for part in node.func.split("."))
            + "`"
        )
    else:
        func = lexicon.format_name(node.func)
    return f"{func}({arguments(node.args, node.kwargs)})", Prec.ATOM


def print_MethodCall(node: ir.MethodCall) -> Printed:
    call = f"{_member(node.method)}({arguments(node.args, node.kwargs)})"
    return f"{_base(node.obj)}.{call}", Prec.ATOM


def print_HelperCall(node: ir.HelperCall) -> Printed:
    return f"self.{_member(node.name)}({arguments(node.args, node.kwargs)})", Prec.ATOM


def print_New(node: ir.New) -> Printed:
    path = lexicon.format_path(node.type)
    return f"new {path}({arguments(node.args, node.kwargs)})", Prec.ATOM


# --- operators ------------------------------------------------------------------------------------


def print_BinOp(node: ir.BinOp) -> Printed:
    strength = BINARY_PRECEDENCE.get(node.op)
    if strength is None:
        raise InternalError(f"unknown binary operator {node.op!r}")
    if node.op == "**":  # right-associative; its right side may be a unary operation
        left, right = operand(node.left, Prec.ATOM), operand(node.right, Prec.FACTOR)
    else:
        left, right = operand(node.left, strength), operand(node.right, strength + 1)
    return f"{left} {node.op} {right}", strength


def print_UnaryOp(node: ir.UnaryOp) -> Printed:
    if node.op == "not":
        return "not " + operand(node.operand, Prec.NOT), Prec.NOT
    if node.op not in ("-", "+", "~"):
        raise InternalError(f"unknown unary operator {node.op!r}")
    return node.op + operand(node.operand, Prec.FACTOR), Prec.FACTOR


def print_BoolOp(node: ir.BoolOp) -> Printed:
    strength = {"or": Prec.OR, "and": Prec.AND}.get(node.op)
    if strength is None or len(node.values) < 2:
        raise InternalError(f"BoolOp {node.op!r} needs a known operator and two or more values")
    # Operands bind tighter than the operator: `(a and b) and c` keeps its nesting.
    text = f" {node.op} ".join(operand(value, strength + 1) for value in node.values)
    return text, strength


def print_Compare(node: ir.Compare) -> Printed:
    if not node.ops or len(node.ops) != len(node.comparators):
        raise InternalError("Compare needs as many comparators as operators, at least one")
    parts = [operand(node.left, Prec.BIT_OR)]
    for op, right in zip(node.ops, node.comparators, strict=True):
        if op not in COMPARE_OPERATORS:
            raise InternalError(f"unknown comparison operator {op!r}")
        parts.append(f"{op} {operand(right, Prec.BIT_OR)}")
    return " ".join(parts), Prec.COMPARE


def print_NamedExpr(node: ir.NamedExpr) -> Printed:
    return f"({lexicon.format_name(node.target.id)} := {expr(node.value)})", Prec.ATOM


def print_IfExp(node: ir.IfExp) -> Printed:
    body, test = operand(node.body, Prec.OR), operand(node.test, Prec.OR)
    return f"{body} if {test} else {operand(node.orelse, Prec.TEST)}", Prec.TEST


# --- f-strings ------------------------------------------------------------------------------------


def print_FString(node: ir.FString) -> Printed:
    return "fstring(" + ", ".join(_fstring_part(part) for part in node.parts) + ")", Prec.ATOM


def _fstring_part(part: str | ir.FormattedValue) -> str:
    if isinstance(part, str):
        return lexicon.format_string(part)
    if not isinstance(part, ir.FormattedValue):
        raise InternalError(f"unexpected f-string part {type(part).__name__}")
    if part.conversion not in (None, "s", "r", "a"):
        raise InternalError(f"unknown f-string conversion {part.conversion!r}")
    conversion = "" if part.conversion is None else "!" + part.conversion
    spec = "" if part.spec is None else ":" + _format_spec(part.spec)
    return f"{{{expr(part.value)}{conversion}{spec}}}"


def _format_spec(spec: ir.FString) -> str:
    """A spec that is one literal prints as a string; any other as a nested `fstring(...)`."""
    if len(spec.parts) == 1 and isinstance(spec.parts[0], str):
        return lexicon.format_string(spec.parts[0])
    return print_FString(spec)[0]


_EXPR_PRINTERS: dict[type, Callable[[Any], Printed]] = {
    ir.Const: print_Const,
    ir.Name: print_Name,
    ir.Starred: _misplaced,
    ir.Slice: _misplaced,
    ir.ListExpr: print_ListExpr,
    ir.TupleExpr: print_TupleExpr,
    ir.SetExpr: print_SetExpr,
    ir.DictExpr: print_DictExpr,
    ir.Attribute: print_Attribute,
    ir.Subscript: print_Subscript,
    ir.BinOp: print_BinOp,
    ir.UnaryOp: print_UnaryOp,
    ir.BoolOp: print_BoolOp,
    ir.Compare: print_Compare,
    ir.IfExp: print_IfExp,
    ir.NamedExpr: print_NamedExpr,
    ir.Call: print_Call,
    ir.MethodCall: print_MethodCall,
    ir.HelperCall: print_HelperCall,
    ir.New: print_New,
    ir.EnumMember: print_EnumMember,
    ir.TypeRef: print_TypeRef,
    ir.ActionRef: print_ActionRef,
    ir.HelperRef: print_HelperRef,
    ir.CallValue: print_CallValue,
    ir.Comprehension: print_Comprehension,
    ir.FString: print_FString,
}
