"""Checks over a lowered workflow: pure functions of the IR that report, never rewrite.

Each check is listed in `CHECKS` and named like its rule (`unreachable_code` ↔ WM150). Refusals
of Python constructs happen while lowering, where the source node is at hand; the checks here
need the whole program.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.rules.statements import UNREACHABLE_CODE
from waymark_runtime import ir

_JUMPS = (ir.Return, ir.Raise, ir.Break, ir.Continue)


def _blocks(statements: tuple[ir.Stmt, ...]) -> Iterator[tuple[ir.Stmt, ...]]:
    """Every statement block, nested ones included."""
    yield statements
    for statement in statements:
        for child in _children(statement):
            yield from _blocks(child)


def _children(statement: ir.Stmt) -> Iterator[tuple[ir.Stmt, ...]]:
    if isinstance(statement, ir.If):
        yield from (statement.body, statement.orelse)
    elif isinstance(statement, ir.For | ir.While):
        yield statement.body
    elif isinstance(statement, ir.Try):
        yield statement.body
        yield from (handler.body for handler in statement.handlers)
    elif isinstance(statement, ir.Match):
        yield from (case.body for case in statement.cases)


def _functions(program: ir.Workflow) -> Iterator[ir.Function]:
    yield program.run
    yield from program.helpers


def unreachable_code(program: ir.Workflow, path: str) -> Iterator[Diagnostic]:
    seen: set[tuple[int, int]] = set()
    for function in _functions(program):
        for block in _blocks(function.body):
            jump = next((i for i, s in enumerate(block) if isinstance(s, _JUMPS)), None)
            if jump is None or jump + 1 >= len(block):
                continue
            span = block[jump + 1].span
            # An awaited return lowers to two statements with one span: report a line once.
            if span is None or (span.line, span.column) in seen:
                continue
            seen.add((span.line, span.column))
            help = "delete it, or move it before the jump"
            yield Diagnostic(
                UNREACHABLE_CODE.code,
                "warning",
                "unreachable code",
                path,
                span,
                "never runs",
                help,
            )


CHECKS: tuple[Callable[[ir.Workflow, str], Iterator[Diagnostic]], ...] = (unreachable_code,)


def check(program: ir.Workflow, path: str) -> list[Diagnostic]:
    return [diagnostic for rule in CHECKS for diagnostic in rule(program, path)]
