"""Parse tree → IR for statements, functions and the workflow.

A Lark transformer mixin, one method per grammar rule. A statement's `@LINE:COL` (made absolute
before building, see `locations`) becomes its span `Span(line, col, line, col)`. It only builds
IR, checking what the grammar cannot express (one target per await, where `*` may appear in
parameters). Durable operations and their policies are built by `build_ops`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lark import Token, Transformer, v_args

from waymark_runtime import ir
from waymark_runtime.wrl.build_expr import (
    EXPR_TYPES,
    NO_ARGS,
    name_of,
    path_of,
    present,
    string_of,
    syntax_error,
    to_target,
)
from waymark_runtime.wrl.build_ops import OPERATION_TYPES, GatherHead
from waymark_runtime.wrl.locations import span_of

# --- intermediate values that exist only while building ------------------------------------------


@dataclass(frozen=True, slots=True)
class ElifClause:
    test: ir.Expr
    span: ir.Span | None
    body: tuple[ir.Stmt, ...]


@dataclass(frozen=True, slots=True)
class ElseClause:
    body: tuple[ir.Stmt, ...]


class KeywordOnlyMarker:
    """The bare `*` in a parameter list."""


@dataclass(frozen=True, slots=True)
class YieldHead:
    """`yield value` on the right of `=`, before its statement is built."""

    value: ir.Expr | None


def body_of(block: tuple[ir.Stmt, ...] | None) -> tuple[ir.Stmt, ...]:
    return () if block is None else block


@v_args(meta=True)
class StmtBuilder(Transformer[Token, Any]):
    """Builds statements and functions; mixed with `OperationBuilder` and `ExprBuilder`."""

    # --- program and functions --------------------------------------------------------------------

    def start(self, meta: Any, children: list[Any]) -> ir.Workflow:
        workflow: ir.Workflow = children[1]
        return workflow

    def header(self, meta: Any, children: list[Any]) -> None:
        version = str(children[0])
        if version not in {str(known) for known in ir.WRL_VERSIONS_READ}:
            raise syntax_error(children[0], f"unsupported wrl version {version}")

    def workflow(self, meta: Any, children: list[Any]) -> ir.Workflow:
        token, location, run, *helpers = children
        name = string_of(token) if token.type == "STRING" else name_of(token)
        return ir.Workflow(name=name, run=run, helpers=tuple(helpers), span=span_of(location))

    def function(self, meta: Any, children: list[Any]) -> ir.Function:
        sync, name, params, origin, module, memo, location, block = children
        bound, qualname, closure = origin or (True, "", ())
        return ir.Function(
            name=name_of(name),
            params=params or (),
            body=body_of(block),
            is_async=sync is None,
            qualname=qualname,
            bound=bound,
            closure=closure,
            module=module or "",
            memo=memo,
            span=span_of(location),
        )

    def memo(self, meta: Any, children: list[Any]) -> ir.Memo:
        size, typed = children
        return ir.Memo(maxsize=None if size is None else int(size), typed=typed is not None)

    def origin(self, meta: Any, children: list[Any]) -> tuple[bool, str, tuple[str, ...]]:
        kind, qualname, closure = children
        return kind == "method", string_of(qualname), closure or ()

    def closure(self, meta: Any, children: list[Any]) -> tuple[str, ...]:
        return tuple(name_of(token) for token in children)

    def module(self, meta: Any, children: list[Any]) -> str:
        return ".".join(name_of(part) for part in children)

    def params(self, meta: Any, children: list[Any]) -> tuple[ir.Param, ...]:
        params: list[ir.Param] = []
        keyword_only = False
        for child in present(children):
            if params and params[-1].star == "**":
                raise syntax_error(meta, "a parameter after the `**` parameter")
            if isinstance(child, KeywordOnlyMarker) or child.star == "*":
                if keyword_only:
                    raise syntax_error(meta, "`*` appears twice in the parameters")
                keyword_only = True
            if isinstance(child, ir.Param):
                params.append(child if child.star else replace(child, keyword_only=keyword_only))
        marker = keyword_only and not any(p.star == "*" for p in params)
        if marker and not any(param.keyword_only for param in params):
            raise syntax_error(meta, "`*` must be followed by a keyword-only parameter")
        return tuple(params)

    def param(self, meta: Any, children: list[Any]) -> ir.Param:
        return ir.Param(name=name_of(children[0]), default=children[1])

    def args_param(self, meta: Any, children: list[Any]) -> ir.Param:
        return ir.Param(name=name_of(children[0]), star="*")

    def kwargs_param(self, meta: Any, children: list[Any]) -> ir.Param:
        return ir.Param(name=name_of(children[0]), star="**")

    def kw_only_marker(self, meta: Any, children: list[Any]) -> KeywordOnlyMarker:
        return KeywordOnlyMarker()

    def block(self, meta: Any, children: list[Any]) -> tuple[ir.Stmt, ...]:
        return tuple(children)

    # --- simple statements ----------------------------------------------------------------------

    def assign_stmt(self, meta: Any, children: list[Any]) -> ir.Stmt:
        count = next((i for i, child in enumerate(children) if not isinstance(child, EXPR_TYPES)))
        exprs, tail = children[:count], children[count:]
        if isinstance(tail[0], YieldHead):  # `x = yield value`
            if len(exprs) != 1:
                raise syntax_error(meta, "a yield assigns exactly one target")
            target = to_target(exprs[0], meta)
            return ir.Yield(value=tail[0].value, target=target, span=span_of(tail[1]))
        if isinstance(tail[0], OPERATION_TYPES):
            if len(exprs) != 1:
                raise syntax_error(meta, "an await assigns exactly one target")
            return self._await(to_target(exprs[0], meta), tail)
        span = span_of(tail[0])
        if len(exprs) == 1:
            return ir.ExprStmt(value=exprs[0], span=span)
        targets = tuple(to_target(target, meta) for target in exprs[:-1])
        return ir.Assign(targets=targets, value=exprs[-1], span=span)

    def await_stmt(self, meta: Any, children: list[Any]) -> ir.Await:
        return self._await(None, children)

    def _await(self, target: ir.Target | None, tail: list[Any]) -> ir.Await:
        op, location, *rest = tail
        if isinstance(op, GatherHead):
            items = rest[0].items if rest and rest[0] is not None else ()
            op = ir.Gather(items=items, return_exceptions=op.return_exceptions,
                           timeout=op.timeout, groups=op.groups)  # fmt: skip
        return ir.Await(target=target, op=op, span=span_of(location))

    def aug_assign(self, meta: Any, children: list[Any]) -> ir.AugAssign:
        target, op, value, location = children
        if not isinstance(target, ir.Name | ir.Subscript | ir.Attribute):
            raise syntax_error(
                meta, "an augmented assignment needs a name, a subscript or an attribute"
            )
        return ir.AugAssign(target=target, op=str(op)[:-1], value=value, span=span_of(location))  # type: ignore[arg-type]

    def log_stmt(self, meta: Any, children: list[Any]) -> ir.Log:
        logger, level, args, location = children
        if name_of(logger) != "log":
            raise syntax_error(logger, "expected `self.log.<level>(...)` or a helper call")
        if name_of(level) not in ir.LOG_KINDS:
            raise syntax_error(level, f"unknown log level `{level}`; one of "
                               + ", ".join(ir.LOG_KINDS))  # fmt: skip
        args = args or NO_ARGS
        if args.kwargs or not args.args or isinstance(args.args[0], ir.Starred):
            raise syntax_error(meta, "a log line takes a message, then positional arguments")
        return ir.Log(level=name_of(level), message=args.args[0], args=args.args[1:],  # type: ignore[arg-type]
                      span=span_of(location))  # fmt: skip

    def del_stmt(self, meta: Any, children: list[Any]) -> ir.Delete:
        listed, location = children
        items = listed.elts if isinstance(listed, ir.TupleExpr) else (listed,)
        targets = []
        for item in items:
            if not isinstance(item, ir.Name | ir.Subscript):
                raise syntax_error(meta, "`del` takes names and subscripts")
            targets.append(item)
        return ir.Delete(targets=tuple(targets), span=span_of(location))

    def pass_stmt(self, meta: Any, children: list[Any]) -> ir.Pass:
        return ir.Pass(span=span_of(children[0]))

    def break_stmt(self, meta: Any, children: list[Any]) -> ir.Break:
        return ir.Break(span=span_of(children[0]))

    def continue_stmt(self, meta: Any, children: list[Any]) -> ir.Continue:
        return ir.Continue(span=span_of(children[0]))

    def return_stmt(self, meta: Any, children: list[Any]) -> ir.Return:
        return ir.Return(value=children[0], span=span_of(children[1]))

    def yield_stmt(self, meta: Any, children: list[Any]) -> ir.Yield:
        return ir.Yield(value=children[0], span=span_of(children[1]))

    def yield_value(self, meta: Any, children: list[Any]) -> YieldHead:
        return YieldHead(children[0])

    def raise_stmt(self, meta: Any, children: list[Any]) -> ir.Raise:
        exc, cause, loc = children
        return ir.Raise(exc=exc, cause=cause, span=span_of(loc))

    # --- compound statements ----------------------------------------------------------------------

    def if_stmt(self, meta: Any, children: list[Any]) -> ir.If:
        test, location, block, *clauses = children
        orelse: tuple[ir.Stmt, ...] = ()
        if clauses and isinstance(clauses[-1], ElseClause | type(None)):
            last = clauses.pop()
            orelse = () if last is None else last.body
        for clause in reversed(clauses):  # `elif` chains nest from the last one outwards
            orelse = (ir.If(test=clause.test, body=clause.body, orelse=orelse, span=clause.span),)
        return ir.If(test=test, body=body_of(block), orelse=orelse, span=span_of(location))

    def elif_clause(self, meta: Any, children: list[Any]) -> ElifClause:
        test, location, block = children
        return ElifClause(test, span_of(location), body_of(block))

    def else_clause(self, meta: Any, children: list[Any]) -> ElseClause:
        return ElseClause(body_of(children[0]))

    def for_stmt(self, meta: Any, children: list[Any]) -> ir.For:
        target, iterable, location, block = children
        return ir.For(
            target=to_target(target, meta),
            iter=iterable,
            body=body_of(block),
            span=span_of(location),
        )

    def while_stmt(self, meta: Any, children: list[Any]) -> ir.While:
        test, location, block = children
        return ir.While(test=test, body=body_of(block), span=span_of(location))

    def try_stmt(self, meta: Any, children: list[Any]) -> ir.Try:
        location, block, *handlers = children
        return ir.Try(body=body_of(block), handlers=tuple(handlers), span=span_of(location))

    def handler(self, meta: Any, children: list[Any]) -> ir.Handler:
        types, name, location, block = children
        return ir.Handler(
            types=types or (),
            name=None if name is None else name_of(name),
            body=body_of(block),
            span=span_of(location),
        )

    def handler_types(self, meta: Any, children: list[Any]) -> tuple[str, ...]:
        return tuple(present(children))

    def class_name(self, meta: Any, children: list[Any]) -> str:
        first = children[0]
        if first.type == "STRING":
            return string_of(first)
        if first.type == "PATH":
            return path_of(first)
        return ".".join(name_of(part) for part in children)

    def match_stmt(self, meta: Any, children: list[Any]) -> ir.Match:
        subject, location, cases = children
        return ir.Match(subject=subject, cases=cases or (), span=span_of(location))

    def cases(self, meta: Any, children: list[Any]) -> tuple[ir.MatchCase, ...]:
        return tuple(children)

    def case(self, meta: Any, children: list[Any]) -> ir.MatchCase:
        pattern, guard, location, block = children
        return ir.MatchCase(
            pattern=pattern, guard=guard, body=body_of(block), span=span_of(location)
        )
