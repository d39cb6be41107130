"""Deep nesting: the compiler refuses more than `MAX_NESTING` levels with WM148 (never a crash),
and whatever it accepts prints, parses back and runs, at the very limit of each construct."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import pytest

from waymark_compiler.api import compile_source
from waymark_compiler.nesting import too_deep
from waymark_runtime import interpreter
from waymark_runtime.nesting import MAX_NESTING
from waymark_runtime.wrl import dumps, parse

INPUTS = {"x": 3, "s": " a ", "c": True, "items": [[1]]}


def source(expression: str) -> str:
    return (
        "from waymark import Workflow, workflow\n\n@workflow\nclass Deep(Workflow):\n"
        "    async def run(self, x: int, s: str, c: bool, items: list) -> object:\n"
        f"        return {expression}\n"
    )


def codes(expression: str) -> list[str]:
    return [d.code for d in compile_source(source(expression), "deep.py", "deep").diagnostics]


@pytest.mark.parametrize(
    "expression",
    [
        " + ".join(["x"] * 900),
        "x" + ".real" * 245,
        " + ".join(["x"] * 4000),
        " and ".join(["c"] * 10_000),  # crashed libcst's parser
        "[v " + " ".join(f"for v{i} in items" for i in range(50_000)) + "]",  # crashed compile()
    ],
    ids=["sum-900", "attributes-245", "sum-4000", "and-10000", "for-50000"],
)
def test_deep_input_is_refused_with_a_diagnostic(expression: str) -> None:
    assert codes(expression) == ["WM148"]


CONSTRUCTS: dict[str, Callable[[int], str]] = {
    "sum": lambda n: " + ".join(["x"] * n),
    "attributes": lambda n: "x" + ".real" * n,
    "negations": lambda n: "-" * n + "x",
    "parentheses": lambda n: "(" * n + "x" + " + 1)" * n,
    "lists": lambda n: "[" * n + "x" + "]" * n,
    "calls": lambda n: "abs(" * n + "x" + ")" * n,
    "subscripts": lambda n: "items[0]" + "[0:1]" * (n - 1),
    "methods": lambda n: "s" + ".strip()" * n,
    "ternaries": lambda n: "x if c else " * n + "x",
    "dicts": lambda n: "{'k': " * n + "x" + "}" * n,
    "comprehensions": lambda n: "[" * n + "y for y in [x]" + "]" * n,
    "fstrings": lambda n: "f'{" + "str(" * n + "x" + ")" * n + "}'",
    "conditions": lambda n: " and ".join(["c"] * n),
}


def deepest_accepted(build: Callable[[int], str]) -> int:
    """The largest size of `build` the compiler accepts: searched with the cheap measure of the
    Python source, then confirmed by compiling it and one size more."""
    low, high = 1, MAX_NESTING + 1
    while high - low > 1:
        middle = (low + high) // 2
        deep = too_deep("deep.py", ast.parse(source(build(middle))))
        low, high = (middle, high) if deep is None else (low, middle)
    assert codes(build(low)) == [] and codes(build(low + 1)) == ["WM148"]
    return low


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_the_deepest_accepted_program_prints_parses_and_runs(name: str) -> None:
    expression = CONSTRUCTS[name](deepest_accepted(CONSTRUCTS[name]))
    result = compile_source(source(expression), "deep.py", "deep")
    program = result.workflows[0].program
    assert parse(dumps(program)) == program
    _, effects = interpreter.start(program, INPUTS)
    assert effects[0].result == expected(expression), effects  # type: ignore[attr-defined]


def expected(expression: str) -> Any:
    return eval(expression, {}, dict(INPUTS))


def nested_blocks(levels: int) -> str:
    """`levels` blocks around a return: `if`s, and every sixth a `for` (CPython allows 20)."""
    lines = ["from waymark import Workflow, workflow", "", "@workflow", "class Deep(Workflow):"]
    lines.append("    async def run(self, x: int, c: bool) -> object:")
    for level in range(levels):
        head = f"for y{level} in [x]:" if level % 6 == 5 else "if c:"
        lines.append("    " * (level + 2) + head)
    lines.append("    " * (levels + 2) + "return x")
    lines.append("        return None")
    return "\n".join(lines) + "\n"


def test_blocks_count_as_levels_too() -> None:
    def refused(levels: int) -> bool:
        return bool(compile_source(nested_blocks(levels), "deep.py", "deep").diagnostics)

    levels = next(n for n in range(80, MAX_NESTING) if refused(n + 1))
    assert not refused(levels)
    program = compile_source(nested_blocks(levels), "deep.py", "deep").workflows[0].program
    assert parse(dumps(program)) == program
    _, effects = interpreter.start(program, {"x": 3, "c": True})
    assert effects[0].result == 3  # type: ignore[attr-defined]


def test_an_elif_chain_too_long_for_python_is_refused() -> None:
    """20,000 `elif`s are past what CPython's own parser nests: WM148, not a crash."""
    text = "if x: pass\n" + "elif x: pass\n" * 20_000
    assert [d.code for d in compile_source(text, "deep.py", "deep").diagnostics] == ["WM148"]
