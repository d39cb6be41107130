"""Round trips: `parse(dumps(ir)) == ir` for generated IR, and printing is canonical.

Equality of IR nodes is loose about constant types (`True == 1 == 1.0`), so each property also
checks that printing the parsed tree gives back exactly the same text.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import expressions, patterns, statements, workflows

from waymark_runtime import ir
from waymark_runtime.wrl import dumps, parse

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _workflow(*body: ir.Stmt) -> ir.Workflow:
    run = ir.Function(name="run", params=(), body=body)
    return ir.Workflow(name="W", run=run)


def assert_round_trip(workflow: ir.Workflow) -> None:
    text = dumps(workflow)
    parsed = parse(text)
    assert parsed == workflow, text
    assert dumps(parsed) == text


@SETTINGS
@given(expressions(3))
def test_expressions_round_trip(expr: ir.Expr) -> None:
    assert_round_trip(_workflow(ir.ExprStmt(value=expr), ir.Return(value=expr)))


@SETTINGS
@given(patterns(3), st.none() | expressions(1))
def test_patterns_round_trip(pattern: ir.Pattern, guard: ir.Expr | None) -> None:
    case = ir.MatchCase(pattern=pattern, guard=guard, body=(ir.Pass(),))
    assert_round_trip(_workflow(ir.Match(subject=ir.Name(id="x"), cases=(case,))))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statements(2, allow_empty_bodies=True), min_size=1, max_size=3))
def test_statements_round_trip(body: list[ir.Stmt]) -> None:
    assert_round_trip(_workflow(*body))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflows())
def test_workflows_round_trip(workflow: ir.Workflow) -> None:
    assert_round_trip(workflow)


def test_variadic_parameters_round_trip() -> None:
    params = (
        ir.Param(name="a"),
        ir.Param(name="rest", star="*"),
        ir.Param(name="b", default=ir.Const(value=1), keyword_only=True),
        ir.Param(name="options", star="**"),
    )
    helper = ir.Function(name="h", params=params, body=(ir.Pass(),), is_async=False)
    workflow = ir.Workflow(name="W", run=_workflow(ir.Pass()).run, helpers=(helper,))
    assert "sync fn h(a, *rest, b=1, **options):" in dumps(workflow)
    assert_round_trip(workflow)
