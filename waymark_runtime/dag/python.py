"""Python source text for IR expressions, statements and patterns, used in DAG node labels.

Labels show conditions the way the workflow's author wrote them, so this prints Python (with
precedence-aware, minimal parentheses), not `.wrl`. Display only: nothing parses this text back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from waymark_runtime import ir
from waymark_runtime.vocabulary import MODEL_VALIDATORS, TYPE_NAME
from waymark_runtime.wrl.precedence import BINARY_PRECEDENCE, Prec

_ATOM = Prec.ATOM


def expr(node: ir.Expr, minimum: int = 0) -> str:
    """`node` as Python source, parenthesised when its precedence is below `minimum`."""
    printer = _EXPR.get(type(node))
    if printer is None:
        raise TypeError(f"no printer for {type(node).__name__}")
    text, precedence = printer(node)
    return f"({text})" if precedence < minimum else text


def _exprs(nodes: Sequence[ir.Expr]) -> str:
    return ", ".join(expr(node) for node in nodes)


def arguments(args: Sequence[ir.Expr], kwargs: Sequence[ir.Keyword]) -> str:
    named = [f"{k.name}={expr(k.value)}" if k.name else f"**{expr(k.value, _ATOM)}" for k in kwargs]
    return ", ".join([expr(arg) for arg in args] + named)


def short(path: str) -> str:
    """`module:Qual.Name` as it reads in source: `Qual.Name`."""
    return path.rpartition(":")[2]


def _binop(node: ir.BinOp) -> tuple[str, int]:
    level = BINARY_PRECEDENCE[node.op]
    right_assoc = node.op == "**"
    left = expr(node.left, level + right_assoc)
    return f"{left} {node.op} {expr(node.right, level + (not right_assoc))}", level


def _unary(node: ir.UnaryOp) -> tuple[str, int]:
    if node.op == "not":
        return f"not {expr(node.operand, Prec.NOT)}", Prec.NOT
    return f"{node.op}{expr(node.operand, Prec.FACTOR)}", Prec.FACTOR


def _boolop(node: ir.BoolOp) -> tuple[str, int]:
    level = Prec.OR if node.op == "or" else Prec.AND
    return f" {node.op} ".join(expr(value, level + 1) for value in node.values), level


def _compare(node: ir.Compare) -> tuple[str, int]:
    parts = [expr(node.left, Prec.BIT_OR)]
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        parts += [op, expr(comparator, Prec.BIT_OR)]
    return " ".join(parts), Prec.COMPARE


def _tuple(node: ir.TupleExpr) -> tuple[str, int]:
    if len(node.elts) == 1:
        return f"({expr(node.elts[0])},)", _ATOM
    return f"({_exprs(node.elts)})", _ATOM


def _dict(node: ir.DictExpr) -> tuple[str, int]:
    items = [
        f"{expr(key)}: {expr(value)}" if key is not None else f"**{expr(value, _ATOM)}"
        for key, value in zip(node.keys, node.values, strict=True)
    ]
    return "{" + ", ".join(items) + "}", _ATOM


def _slice(node: ir.Slice) -> tuple[str, int]:
    parts = [expr(part) if part is not None else "" for part in (node.lower, node.upper, node.step)]
    return ":".join(parts if node.step is not None else parts[:2]), _ATOM


def _subscript(node: ir.Subscript) -> tuple[str, int]:
    index = node.index
    inner = _exprs(index.elts) if isinstance(index, ir.TupleExpr) and index.elts else expr(index)
    return f"{expr(node.value, _ATOM)}[{inner}]", _ATOM


def generators(generators: Sequence[ir.Generator]) -> str:
    clauses = []
    for generator in generators:
        clauses.append(f"for {target(generator.target)} in {expr(generator.iter, Prec.AND)}")
        clauses += [f"if {expr(condition, Prec.AND)}" for condition in generator.ifs]
    return " ".join(clauses)


_BRACKETS = {"list": ("[", "]"), "set": ("{", "}"), "gen": ("(", ")"), "dict": ("{", "}")}


def _comprehension(node: ir.Comprehension) -> tuple[str, int]:
    clauses = generators(node.generators)
    if node.kind == "dict" and node.value is not None:
        return f"{{{expr(node.elt)}: {expr(node.value)} {clauses}}}", _ATOM
    opening, closing = _BRACKETS[node.kind]
    return f"{opening}{expr(node.elt)} {clauses}{closing}", _ATOM


def _fstring(node: ir.FString) -> tuple[str, int]:
    return f"f{_fstring_body(node)!r}", _ATOM


def _fstring_body(node: ir.FString) -> str:
    out = []
    for part in node.parts:
        if isinstance(part, str):
            out.append(part.replace("{", "{{").replace("}", "}}"))
            continue
        conversion = f"!{part.conversion}" if part.conversion else ""
        spec = f":{_fstring_body(part.spec)}" if part.spec is not None else ""
        out.append(f"{{{expr(part.value)}{conversion}{spec}}}")
    return "".join(out)


def target(node: ir.Target) -> str:
    if isinstance(node, ir.TupleExpr):
        return _exprs(node.elts) + ("," if len(node.elts) == 1 else "")
    return expr(node)


_MODEL_METHODS = {func: method for method, func in MODEL_VALIDATORS.items()}


def _call(node: ir.Call) -> tuple[str, int]:
    if node.func == TYPE_NAME:  # as written: `type(x).__name__`
        return f"type({arguments(node.args, node.kwargs)}).__name__", _ATOM
    method = _MODEL_METHODS.get(node.func)
    if method is not None and node.args and isinstance(node.args[0], ir.TypeRef):
        model, rest = short(node.args[0].type), arguments(node.args[1:], node.kwargs)
        return f"{model}.{method}({rest})", _ATOM  # as written
    return f"{node.func}({arguments(node.args, node.kwargs)})", _ATOM


_EXPR: dict[type[Any], Callable[[Any], tuple[str, int]]] = {
    ir.Const: lambda n: (repr(n.value), _ATOM),
    ir.Name: lambda n: (n.id, _ATOM),
    ir.Starred: lambda n: (f"*{expr(n.value, _ATOM)}", _ATOM),
    ir.ListExpr: lambda n: (f"[{_exprs(n.elts)}]", _ATOM),
    ir.TupleExpr: _tuple,
    ir.SetExpr: lambda n: (f"{{{_exprs(n.elts)}}}" if n.elts else "set()", _ATOM),
    ir.DictExpr: _dict,
    ir.Attribute: lambda n: (f"{expr(n.value, _ATOM)}.{n.attr}", _ATOM),
    ir.Slice: _slice,
    ir.Subscript: _subscript,
    ir.BinOp: _binop,
    ir.UnaryOp: _unary,
    ir.BoolOp: _boolop,
    ir.Compare: _compare,
    ir.IfExp: lambda n: (
        f"{expr(n.body, Prec.OR)} if {expr(n.test, Prec.OR)} else {expr(n.orelse, Prec.TEST)}",
        Prec.TEST,
    ),
    ir.NamedExpr: lambda n: (f"({n.target.id} := {expr(n.value)})", _ATOM),
    ir.Call: lambda n: _call(n),
    ir.MethodCall: lambda n: (
        f"{expr(n.obj, _ATOM)}.{n.method}({arguments(n.args, n.kwargs)})",
        _ATOM,
    ),
    ir.HelperCall: lambda n: (f"self.{n.name}({arguments(n.args, n.kwargs)})", _ATOM),
    ir.New: lambda n: (f"{short(n.type)}({arguments(n.args, n.kwargs)})", _ATOM),
    ir.EnumMember: lambda n: (f"{short(n.type)}.{n.member}", _ATOM),
    ir.TypeRef: lambda n: (short(n.type), _ATOM),
    ir.ActionRef: lambda n: (short(n.action).rpartition(".")[2], _ATOM),
    ir.HelperRef: lambda n: (n.name, _ATOM),
    ir.CallValue: lambda n: (f"{expr(n.callee, _ATOM)}({arguments(n.args, n.kwargs)})", _ATOM),
    ir.Comprehension: _comprehension,
    ir.FString: _fstring,
}


def pure_stmt(stmt: ir.Stmt) -> str:
    """An assignment, augmented assignment, expression statement, log line, `yield` or
    `pass`."""
    if isinstance(stmt, ir.Assign):
        return " = ".join([target(each) for each in stmt.targets] + [expr(stmt.value)])
    if isinstance(stmt, ir.AugAssign):
        return f"{target(stmt.target)} {stmt.op}= {expr(stmt.value)}"
    if isinstance(stmt, ir.ExprStmt):
        return expr(stmt.value)
    if isinstance(stmt, ir.Log):
        return f"self.log.{stmt.level}({arguments((stmt.message, *stmt.args), ())})"
    if isinstance(stmt, ir.Delete):
        return "del " + ", ".join(target(each) for each in stmt.targets)
    if isinstance(stmt, ir.Yield):
        said = "yield" if stmt.value is None else f"yield {expr(stmt.value)}"
        return said if stmt.target is None else f"{target(stmt.target)} = {said}"
    return "pass"


def params(parameters: Sequence[ir.Param]) -> str:
    """A parameter list without `self`, defaults included."""
    texts: list[str] = []
    for parameter in parameters:
        if parameter.keyword_only and not any(text.startswith("*") for text in texts):
            texts.append("*")
        default = f"={expr(parameter.default)}" if parameter.default is not None else ""
        texts.append(parameter.star + parameter.name + default)
    return ", ".join(texts)


def pattern(node: ir.Pattern) -> str:
    """A match pattern as Python source."""
    printer = _PATTERN.get(type(node))
    if printer is None:
        raise TypeError(f"no printer for {type(node).__name__}")
    return printer(node)


def _match_as(node: ir.MatchAs) -> str:
    if node.pattern is None:
        return node.name or "_"
    return f"{pattern(node.pattern)} as {node.name}" if node.name else pattern(node.pattern)


def _match_mapping(node: ir.MatchMapping) -> str:
    items = [f"{expr(k)}: {pattern(p)}" for k, p in zip(node.keys, node.patterns, strict=True)]
    return "{" + ", ".join(items + ([f"**{node.rest}"] if node.rest else [])) + "}"


def _match_class(node: ir.MatchClass) -> str:
    named = [f"{k}={pattern(p)}" for k, p in zip(node.kwd_names, node.kwd_patterns, strict=True)]
    return f"{short(node.cls)}({', '.join([pattern(p) for p in node.patterns] + named)})"


_PATTERN: dict[type[Any], Callable[[Any], str]] = {
    ir.MatchValue: lambda n: expr(n.value),
    ir.MatchAs: _match_as,
    ir.MatchStar: lambda n: f"*{n.name or '_'}",
    ir.MatchSequence: lambda n: f"[{', '.join(pattern(p) for p in n.patterns)}]",
    ir.MatchMapping: _match_mapping,
    ir.MatchClass: _match_class,
    ir.MatchOr: lambda n: " | ".join(pattern(p) for p in n.patterns),
}
