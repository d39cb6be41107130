"""Hypothesis strategies that generate well-formed Waymark IR (`waymark_runtime.ir`).

Every node type is reachable, recursion is bounded by an explicit `depth`, and nodes only appear
where the IR allows them (starred items in displays, calls and targets; slices in subscripts;
`break` inside loops is not enforced). The `.wrl` round-trip tests use them, and so can the
interpreter tests: compose `expressions()`, `statements()`, `functions()` or `workflows()`.
"""

from __future__ import annotations

import dataclasses
import keyword
from functools import cache
from typing import Any, TypeVar

from hypothesis import strategies as st

from waymark_runtime import ir

T = TypeVar("T")
Strategy = st.SearchStrategy

# --- names and references -------------------------------------------------------------------------

#: Words that are keywords somewhere in `.wrl` (or soft keywords in Python) but valid identifiers.
KEYWORD_LIKE_NAMES = (
    "action", "gather", "sleep", "spread", "new", "enum", "type", "const", "fstring", "self",
    "workflow", "fn", "sync", "wrl", "retry", "backoff", "timeout", "attempts", "on",
    "backoff_seconds", "base", "multiplier", "max", "jitter", "return_exceptions", "inf", "nan",
    "match", "case", "_", "print", "len", "await_", "True_", "None_",
)  # fmt: skip
COMMON_NAMES = ("x", "y", "i", "n", "xs", "item", "user", "users", "result", "total", "value")
BUILTIN_FUNCTIONS = (
    "len", "min", "max", "sum", "sorted", "abs", "round", "str", "int", "float", "bool", "any",
    "all", "zip", "range", "enumerate", "dict", "list", "set", "tuple", "isinstance",
    "math.ceil", "math.fsum", "type.__name__",
)  # fmt: skip
BINARY_OPERATORS = ("+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "@")
UNARY_OPERATORS = ("-", "+", "not", "~")
COMPARE_OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not")


_FIRST_CHARS = "abcxyzABCXYZ_\u00e9\u00df\u03bb\u4e2d\u212b"
# Digits (ASCII and not), a combining accent and a middle dot are valid after the first character.
_OTHER_CHARS = _FIRST_CHARS + "0189\u0660\u0301\u00b7"


def _is_name(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


def identifiers() -> Strategy[str]:
    """Valid Python identifiers: common, keyword-like in `.wrl`, generated (incl. unicode)."""
    generated = st.builds(
        str.__add__, st.sampled_from(_FIRST_CHARS), st.text(_OTHER_CHARS, max_size=6)
    ).filter(_is_name)
    return st.one_of(
        st.sampled_from(COMMON_NAMES),
        st.sampled_from(KEYWORD_LIKE_NAMES),
        generated,
    )


def _dotted(max_parts: int = 3) -> Strategy[str]:
    return st.lists(identifiers(), min_size=1, max_size=max_parts).map(".".join)


def import_paths() -> Strategy[str]:
    """`package.module:Qual.name` import paths (actions, models, enums, exceptions)."""
    return st.builds(lambda module, qualname: f"{module}:{qualname}", _dotted(), _dotted(2))


def class_names() -> Strategy[str]:
    """Exception class names as handlers and retry policies hold them."""
    return st.one_of(
        st.sampled_from(("ValueError", "KeyError", "ConnectionError", "ActionTimeout")),
        _dotted(2),
        import_paths(),
        st.text(max_size=8),
    )


def spans() -> Strategy[ir.Span | None]:
    positive = st.integers(min_value=1, max_value=5000)
    return st.none() | st.builds(ir.Span, positive, positive, positive, positive)


# --- constants ------------------------------------------------------------------------------------


def constant_values(*, allow_nan: bool = False) -> Strategy[ir.ConstValue]:
    """Every kind of constant: None, bools, ints of any size and sign, floats, any strings.

    NaN is excluded by default because `Const(nan) != Const(nan)`.
    """
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=-(10**5000), max_value=10**5000) | st.just(-(2**64)),
        st.floats(allow_nan=allow_nan),
        st.text(),
        st.sampled_from(("", "'", '"', "\\", "\n\t\r", "\x00\x7f", "\ud800", "\u2028", "é")),
    )


def constants() -> Strategy[ir.Const]:
    return st.builds(ir.Const, value=constant_values())


# --- expressions ----------------------------------------------------------------------------------


def names() -> Strategy[ir.Name]:
    return st.builds(ir.Name, id=identifiers())


def leaf_expressions() -> Strategy[ir.Expr]:
    return st.one_of(
        constants(),
        names(),
        st.builds(ir.EnumMember, type=import_paths(), member=identifiers()),
        st.builds(ir.TypeRef, type=import_paths()),
        st.builds(ir.ActionRef, action=import_paths()),
        st.builds(ir.HelperRef, name=identifiers()),
    )


def _few(strategy: Strategy[T], max_size: int = 3, min_size: int = 0) -> Strategy[tuple[T, ...]]:
    return st.lists(strategy, min_size=min_size, max_size=max_size).map(tuple)


def items(sub: Strategy[ir.Expr]) -> Strategy[ir.Expr]:
    """An element of a display or a positional argument: an expression or `*expression`."""
    return sub | st.builds(ir.Starred, value=sub)


def keywords(sub: Strategy[ir.Expr]) -> Strategy[ir.Keyword]:
    return st.builds(ir.Keyword, name=st.none() | identifiers(), value=sub)


def _call_parts(sub: Strategy[ir.Expr]) -> dict[str, Strategy[Any]]:
    return {"args": _few(items(sub)), "kwargs": _few(keywords(sub))}


@cache
def expressions(depth: int = 3) -> Strategy[ir.Expr]:
    """Any expression node, nested at most `depth` levels."""
    if depth <= 0:
        return leaf_expressions()
    sub = expressions(depth - 1)
    return st.one_of(leaf_expressions(), _displays(sub, depth), _operators(sub), _calls(sub, depth))


def _displays(sub: Strategy[ir.Expr], depth: int) -> Strategy[ir.Expr]:
    return st.one_of(
        st.builds(ir.ListExpr, elts=_few(items(sub))),
        st.builds(ir.TupleExpr, elts=_few(items(sub))),
        st.builds(ir.SetExpr, elts=_few(items(sub))),
        _few(st.tuples(st.none() | sub, sub)).map(_dict_display),
        comprehensions(sub, depth),
        fstrings(sub),
    )


def _dict_display(pairs: tuple[tuple[ir.Expr | None, ir.Expr], ...]) -> ir.DictExpr:
    return ir.DictExpr(keys=tuple(k for k, _ in pairs), values=tuple(v for _, v in pairs))


def _compare(left: ir.Expr, pairs: tuple[tuple[Any, ir.Expr], ...]) -> ir.Compare:
    return ir.Compare(
        left=left, ops=tuple(op for op, _ in pairs), comparators=tuple(c for _, c in pairs)
    )


def _operators(sub: Strategy[ir.Expr]) -> Strategy[ir.Expr]:
    return st.one_of(
        st.builds(ir.BinOp, op=st.sampled_from(BINARY_OPERATORS), left=sub, right=sub),
        st.builds(ir.UnaryOp, op=st.sampled_from(UNARY_OPERATORS), operand=sub),
        st.builds(ir.BoolOp, op=st.sampled_from(("and", "or")), values=_few(sub, 3, 2)),
        st.builds(_compare, sub, _few(st.tuples(st.sampled_from(COMPARE_OPERATORS), sub), 3, 1)),
        st.builds(ir.IfExp, test=sub, body=sub, orelse=sub),
        st.builds(ir.NamedExpr, target=names(), value=sub),
    )


def _calls(sub: Strategy[ir.Expr], depth: int) -> Strategy[ir.Expr]:
    functions = st.sampled_from(BUILTIN_FUNCTIONS) | identifiers()
    return st.one_of(
        st.builds(ir.Attribute, value=sub, attr=identifiers()),
        st.builds(ir.Subscript, value=sub, index=subscript_indexes(sub)),
        st.builds(ir.Call, func=functions, **_call_parts(sub)),
        st.builds(ir.MethodCall, obj=sub, method=identifiers(), **_call_parts(sub)),
        st.builds(ir.HelperCall, name=identifiers(), **_call_parts(sub)),
        st.builds(ir.CallValue, callee=sub, **_call_parts(sub)),
        st.builds(ir.New, type=import_paths(), **_call_parts(sub)),
        st.builds(
            ir.Call,
            func=st.just("sum"),
            args=comprehensions(sub, depth).map(lambda c: (c,)),
            kwargs=st.just(()),
        ),
    )


def slices(sub: Strategy[ir.Expr]) -> Strategy[ir.Slice]:
    optional = st.none() | sub
    return st.builds(ir.Slice, lower=optional, upper=optional, step=optional)


def subscript_indexes(sub: Strategy[ir.Expr]) -> Strategy[ir.Expr]:
    """What may go between `[` and `]`: an expression, a slice, or a tuple of those."""
    element = st.one_of(sub, slices(sub), st.builds(ir.Starred, value=sub))
    return st.one_of(sub, slices(sub), st.builds(ir.TupleExpr, elts=_few(element)))


def generators(sub: Strategy[ir.Expr], depth: int = 2) -> Strategy[tuple[ir.Generator, ...]]:
    clause = st.builds(ir.Generator, target=targets(depth), iter=sub, ifs=_few(sub, 2))
    return _few(clause, 2, 1)


def comprehensions(sub: Strategy[ir.Expr], depth: int = 2) -> Strategy[ir.Comprehension]:
    single = st.builds(
        ir.Comprehension,
        kind=st.sampled_from(("list", "set", "gen")),
        elt=sub,
        value=st.none(),
        generators=generators(sub, depth),
    )
    mapping = st.builds(
        ir.Comprehension,
        kind=st.just("dict"),
        elt=sub,
        value=sub,
        generators=generators(sub, depth),
    )
    return single | mapping


def fstrings(sub: Strategy[ir.Expr], nested: bool = True) -> Strategy[ir.FString]:
    spec = st.none() | (fstrings(sub, nested=False) if nested else st.none())
    formatted = st.builds(
        ir.FormattedValue,
        value=sub,
        conversion=st.sampled_from((None, "s", "r", "a")),
        spec=spec,
    )
    return st.builds(ir.FString, parts=_few(st.text(max_size=5) | formatted, 4))


@cache
def targets(depth: int = 2) -> Strategy[ir.Target]:
    """Assignment targets: names, subscripts, attributes, tuples of targets with at most one
    starred."""
    simple = st.one_of(
        names(),
        st.builds(ir.Subscript, value=names(), index=leaf_expressions()),
        st.builds(ir.Attribute, value=names(), attr=identifiers()),
    )
    if depth <= 0:
        return simple
    inner = targets(depth - 1)
    return simple | st.builds(
        lambda elts, starred, position: ir.TupleExpr(elts=_with_starred(elts, starred, position)),
        _few(inner, 3),
        st.none() | st.builds(ir.Starred, value=names()),
        st.integers(min_value=0, max_value=3),
    )


def _with_starred(
    elts: tuple[ir.Target, ...], starred: ir.Starred | None, at: int
) -> tuple[Any, ...]:
    if starred is None:
        return elts
    position = min(at, len(elts))
    return (*elts[:position], starred, *elts[position:])


# --- match patterns -------------------------------------------------------------------------------


def _pattern_values() -> Strategy[ir.Expr]:
    literal = constants()
    negative = st.builds(
        lambda n: ir.UnaryOp(op="-", operand=ir.Const(value=n)), st.integers(min_value=0)
    )
    dotted = st.builds(ir.Attribute, value=names(), attr=identifiers())
    enum = st.builds(ir.EnumMember, type=import_paths(), member=identifiers())
    return st.one_of(literal, negative, dotted, enum, expressions(1))


def _mapping_pattern(
    pairs: tuple[tuple[ir.Expr, ir.Pattern], ...], rest: str | None
) -> ir.MatchMapping:
    return ir.MatchMapping(
        keys=tuple(k for k, _ in pairs), patterns=tuple(p for _, p in pairs), rest=rest
    )


@cache
def patterns(depth: int = 2) -> Strategy[ir.Pattern]:
    """Every pattern kind; `MatchStar` only inside sequences."""
    capture = st.builds(ir.MatchAs, pattern=st.none(), name=st.none() | identifiers())
    leaves = st.one_of(st.builds(ir.MatchValue, value=_pattern_values()), capture)
    if depth <= 0:
        return leaves
    sub = patterns(depth - 1)
    star = st.builds(ir.MatchStar, name=st.none() | identifiers())
    mapping = st.builds(
        _mapping_pattern, _few(st.tuples(_pattern_values(), sub)), st.none() | identifiers()
    )
    keyword_args = _few(st.tuples(identifiers(), sub))
    cls = st.builds(
        lambda path, positional, kw: ir.MatchClass(
            cls=path,
            patterns=positional,
            kwd_names=tuple(n for n, _ in kw),
            kwd_patterns=tuple(p for _, p in kw),
        ),
        import_paths(),
        _few(sub),
        keyword_args,
    )
    return st.one_of(
        leaves,
        st.builds(ir.MatchAs, pattern=sub, name=st.none() | identifiers()),
        st.builds(ir.MatchOr, patterns=_few(sub, 3, 2)),
        st.builds(ir.MatchSequence, patterns=_few(sub | star)),
        mapping,
        cls,
    )


# --- durable operations ---------------------------------------------------------------------------


def _seconds() -> Strategy[int | float]:
    return st.integers(min_value=0, max_value=10**6) | st.floats(
        min_value=0, max_value=1e6, allow_nan=False
    )


def backoffs() -> Strategy[ir.Backoff]:
    return st.builds(
        ir.Backoff,
        base_delay=_seconds(),
        multiplier=_seconds(),
        max_delay=st.none() | _seconds(),
        jitter=_seconds(),
    )


def policies() -> Strategy[ir.Policy]:
    """Retry policies with any subset of options set (including none at all); `attempts` and
    `timeout` constant or computed."""
    return st.builds(
        _policy,
        attempts=st.none() | st.integers(min_value=1, max_value=100) | leaf_expressions(),
        exception_types=st.none() | _few(class_names()),
        backoff_seconds=st.none() | _seconds(),
        backoff=st.none() | backoffs(),
        timeout=st.none() | _seconds() | leaf_expressions(),
        plain_timeout=st.booleans(),
    )


def _policy(attempts: Any, timeout: Any, plain_timeout: bool, **fields: Any) -> ir.Policy:
    """`plain_timeout` (`asyncio.wait_for`'s) is printed only with a timeout."""
    computed_attempts = not (attempts is None or isinstance(attempts, int))
    computed_timeout = not (timeout is None or isinstance(timeout, int | float))
    return ir.Policy(
        attempts=None if computed_attempts else attempts,
        attempts_expr=attempts if computed_attempts else None,
        timeout=None if computed_timeout else timeout,
        timeout_expr=timeout if computed_timeout else None,
        plain_timeout=plain_timeout and timeout is not None,
        **fields,
    )


def action_calls(sub: Strategy[ir.Expr] | None = None) -> Strategy[ir.ActionCall]:
    """Calls of an action by path, or computed: `action (expr)(args)`, the path then ""."""
    sub = expressions(2) if sub is None else sub
    named = st.tuples(import_paths(), st.none())
    computed = st.tuples(st.just(""), sub)
    return st.builds(
        lambda target, **fields: ir.ActionCall(action=target[0], callee=target[1], **fields),
        named | computed,
        policy=st.none() | policies(),
        span=spans(),
        **_call_parts(sub),
    )


def child_calls(sub: Strategy[ir.Expr] | None = None) -> Strategy[ir.ActionCall]:
    """Child workflow calls: a workflow name (any text), keyword inputs, blocking or not."""
    sub = expressions(2) if sub is None else sub
    return st.builds(
        ir.ActionCall,
        action=identifiers() | st.text(min_size=1, max_size=10),
        args=st.just(()),
        kwargs=_few(keywords(sub)),
        child=st.just(True),
        blocking=st.booleans(),
        span=spans(),
    )


def operations(sub: Strategy[ir.Expr] | None = None) -> Strategy[ir.Operation]:
    sub = expressions(2) if sub is None else sub
    calls = action_calls(sub) | child_calls(sub)
    helper = st.builds(ir.CallAsyncHelper, name=identifiers(), **_call_parts(sub))
    items = calls | helper  # a gathered helper runs as a task
    spread = st.builds(ir.Spread, call=items, generators=generators(sub), span=spans())
    gather = st.builds(ir.Gather, items=_few(items | spread, 4), return_exceptions=st.booleans())
    return st.one_of(
        calls,
        gather,
        st.builds(ir.Sleep, seconds=sub),
        helper,
        st.builds(
            ir.WaitForSignal,
            name=st.text(min_size=1, max_size=12),
            type=st.sampled_from(_SIGNAL_TYPES),
            timeout=st.none() | sub,
        ),
    )


_SIGNAL_TYPES = (
    "builtins:int",
    "app.models:Decision",
    "typing:Union[builtins:list[a:B], builtins:None]",
)


# --- statements -----------------------------------------------------------------------------------


def simple_statements(sub: Strategy[ir.Expr] | None = None) -> Strategy[ir.Stmt]:
    sub = expressions(2) if sub is None else sub
    aug_target = (
        names()
        | st.builds(ir.Subscript, value=names(), index=sub)
        | st.builds(ir.Attribute, value=names(), attr=identifiers())
    )
    deleted = names() | st.builds(ir.Subscript, value=names(), index=sub)
    return st.one_of(
        st.builds(ir.Assign, targets=_few(targets(), 2, 1), value=sub, span=spans()),
        st.builds(
            ir.AugAssign,
            target=aug_target,
            op=st.sampled_from(BINARY_OPERATORS),
            value=sub,
            span=spans(),
        ),
        st.builds(ir.ExprStmt, value=sub, span=spans()),
        st.builds(ir.Await, target=st.none() | targets(), op=operations(sub), span=spans()),
        st.builds(ir.Break, span=spans()),
        st.builds(ir.Continue, span=spans()),
        st.builds(ir.Pass, span=spans()),
        st.builds(ir.Delete, targets=_few(deleted, 3, 1), span=spans()),
        st.builds(ir.Return, value=st.none() | sub, span=spans()),
        st.builds(ir.Raise, exc=st.none() | sub, span=spans()),
        st.builds(ir.Raise, exc=sub, cause=sub, span=spans()),
        st.builds(
            ir.Log,
            level=st.sampled_from(ir.LOG_LEVELS),
            message=sub,
            args=_few(items(sub), 2),
            span=spans(),
        ),
    )


@cache
def statements(depth: int = 2, *, allow_empty_bodies: bool = False) -> Strategy[ir.Stmt]:
    """Any statement, blocks nested at most `depth` levels.

    Bodies are non-empty as in Python unless `allow_empty_bodies` (the `.wrl` text can express
    empty bodies, the compiler never produces them).
    """
    sub = expressions(2)
    if depth <= 0:
        return simple_statements(sub)
    body = _few(statements(depth - 1, allow_empty_bodies=allow_empty_bodies), 2,
                0 if allow_empty_bodies else 1)  # fmt: skip
    handler = st.builds(
        ir.Handler,
        types=_few(class_names()),
        name=st.none() | identifiers(),
        body=body,
        span=spans(),
    )
    case = st.builds(
        ir.MatchCase, pattern=patterns(), guard=st.none() | sub, body=body, span=spans()
    )
    return st.one_of(
        simple_statements(sub),
        st.builds(
            ir.If,
            test=sub,
            body=body,
            orelse=_few(statements(depth - 1), 2) | _elif(sub, body),
            span=spans(),
        ),
        st.builds(ir.For, target=targets(), iter=sub, body=body, span=spans()),
        st.builds(ir.While, test=sub, body=body, span=spans()),
        st.builds(ir.Try, body=body, handlers=_few(handler, 3, 1), span=spans()),
        st.builds(ir.Match, subject=sub, cases=_few(case, 3, 1), span=spans()),
    )


def _elif(
    sub: Strategy[ir.Expr], body: Strategy[tuple[ir.Stmt, ...]]
) -> Strategy[tuple[ir.Stmt, ...]]:
    """An `else` branch holding exactly one `if`: the `elif` spelling."""
    inner = st.builds(ir.If, test=sub, body=body, orelse=st.just(()) | body, span=spans())
    return inner.map(lambda node: (node,))


def params() -> Strategy[tuple[ir.Param, ...]]:
    """Positional parameters first, then keyword-only ones; distinct names."""
    param = st.tuples(identifiers(), st.none() | expressions(1), st.booleans())
    return st.lists(param, max_size=4, unique_by=lambda p: p[0]).map(
        lambda ps: tuple(
            ir.Param(name=n, default=d, keyword_only=k)
            for n, d, k in sorted(ps, key=lambda p: p[2])
        )
    )


def functions(name: Strategy[str] | None = None, depth: int = 1) -> Strategy[ir.Function]:
    return st.builds(
        ir.Function,
        name=identifiers() if name is None else name,
        params=params(),
        body=_few(statements(depth), 3, 1),
        is_async=st.booleans(),
        qualname=st.just("") | st.text(max_size=12),
        bound=st.booleans(),
        closure=_few(identifiers(), 2),
        module=st.just("") | st.lists(identifiers(), min_size=1, max_size=3).map(".".join),
        span=spans(),
    )


def workflows(depth: int = 1) -> Strategy[ir.Workflow]:
    """Whole workflows: `run` (async) and up to two helpers."""
    run = functions(st.just("run"), depth).map(lambda f: _with_async(f))
    return st.builds(
        ir.Workflow,
        name=identifiers() | st.text(min_size=1, max_size=10),
        run=run,
        helpers=_few(functions(depth=depth), 2),
        span=spans(),
    )


def _with_async(function: ir.Function) -> ir.Function:
    return dataclasses.replace(function, is_async=True)
