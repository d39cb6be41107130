"""Hostile sources: long runs of adjacent string literals and constructs repeated thousands of
times are compiled or refused with a diagnostic, never with an exception of the compiler's own."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waymark_compiler.api import compile_source
from waymark_compiler.nesting import MAX_ADJACENT_STRINGS
from waymark_runtime.wrl import dumps, parse


def source(expression: str) -> str:
    return (
        "from waymark import Workflow, workflow\n\n@workflow\nclass Hostile(Workflow):\n"
        "    async def run(self, x: int) -> object:\n"
        f"        return {expression}\n"
    )


def test_the_most_adjacent_string_literals_compile() -> None:
    result = compile_source(source(" ".join(["'a'"] * MAX_ADJACENT_STRINGS)), "adjacent.py")
    assert result.diagnostics == []
    assert "a" * MAX_ADJACENT_STRINGS in result.workflows[0].wrl


def test_more_adjacent_string_literals_are_refused_at_the_first() -> None:
    literals = "(\n" + "\n".join(["'a' f'{x}'"] * (MAX_ADJACENT_STRINGS // 2 + 1)) + ")"
    result = compile_source(source("x, " + literals), "adjacent.py")
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "WM100"
    assert diagnostic.message == (
        "syntax error: 3,002 adjacent string literals in one expression "
        "(the compiler reads at most 3,000)"
    )
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 1)
    assert result.workflows == []


CONSTRUCTS: dict[str, Callable[[int], str]] = {
    "parentheses": lambda n: "(" * n + "x" + ")" * n,
    "lists": lambda n: "[" * n + "x" + "]" * n,
    "dicts": lambda n: "{1: " * n + "x" + "}" * n,
    "calls": lambda n: "abs(" * n + "x" + ")" * n,
    "sum": lambda n: " + ".join(["x"] * n),
    "power": lambda n: " ** ".join(["x"] * n),
    "negations": lambda n: "-" * n + "x",
    "nots": lambda n: "not " * n + "x",
    "attributes": lambda n: "x" + ".real" * n,
    "subscripts": lambda n: "[x]" + "[0]" * n,
    "comparisons": lambda n: " < ".join(["x"] * n),
    "conditions": lambda n: "x and " * n + "x",
    "ternaries": lambda n: "x if x else " * n + "x",
    "lambdas": lambda n: "lambda: " * n + "x",
    "strings": lambda n: " ".join(["'a'"] * n),
    "fstrings": lambda n: "f'{" * min(n, 30) + "x" + "}'" * min(n, 30),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(CONSTRUCTS)), st.integers(min_value=1, max_value=6000))
def test_repeated_constructs_compile_or_are_refused(construct: str, times: int) -> None:
    result = compile_source(source(CONSTRUCTS[construct](times)), "hostile.py")
    assert all(d.code.startswith("WM") and d.message for d in result.diagnostics)
    for workflow in result.workflows:
        assert dumps(parse(workflow.wrl)) == workflow.wrl
