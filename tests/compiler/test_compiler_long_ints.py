"""Integers past MAX_LITERAL_DIGITS decimal digits (a hexadecimal literal has no length limit in
CPython) and programs past MAX_PROGRAM_CHARS: refused (WM139) rather than written as `.wrl`
text the parser refuses; the largest allowed compile and load."""

from __future__ import annotations

import pytest

from waymark_compiler import sizes
from waymark_compiler.api import compile_source
from waymark_compiler.diagnostics import Sink
from waymark_runtime import ir
from waymark_runtime.sizes import MAX_LITERAL_DIGITS
from waymark_runtime.wrl import parse

SOURCE = """\
from waymark import Workflow, workflow

BIG = {constant}


@workflow
class Keys(Workflow):
    async def run(self) -> bool:
        key = {literal}
        return key > BIG
"""
LARGEST = 10**MAX_LITERAL_DIGITS - 1


def _compile(constant: str, literal: str) -> tuple[list[str], list[str]]:
    result = compile_source(SOURCE.format(constant=constant, literal=literal), "keys.py", "keys")
    found = [f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in result.diagnostics]
    return found, [compiled.wrl for compiled in result.workflows]


def test_the_largest_hexadecimal_literal_compiles_and_loads() -> None:
    found, [wrl] = _compile("1", hex(LARGEST))
    assert found == []
    [assign, _] = parse(wrl).run.body
    assert isinstance(assign, ir.Assign)
    assert assign.value == ir.Const(value=LARGEST)


@pytest.mark.parametrize(
    ("constant", "literal", "where"),
    [("1", hex(LARGEST + 1), "9:15"), (hex(-LARGEST - 1), "1", "10:22")],
)
def test_a_longer_integer_is_refused_where_workflow_code_holds_it(
    constant: str, literal: str, where: str
) -> None:
    found, wrls = _compile(constant, literal)
    message = f"an integer of more than {MAX_LITERAL_DIGITS:,} digits in workflow code"
    assert (found, wrls) == ([f"WM139 {where} {message}"], [])


def test_a_program_past_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sizes, "MAX_PROGRAM_CHARS", 100)
    found, wrls = _compile("1", "2")
    assert wrls == []
    [diagnostic] = found
    assert diagnostic.startswith("WM139 7:7 a program of ")
    assert diagnostic.endswith(" characters (more than 100)")


def test_long_program_leaves_a_program_within_the_limit_alone() -> None:
    sink = Sink("keys.py")
    sizes.long_program("wrl 2\n", sink, ir.Span(1, 1, 1, 2))
    assert sink.items == []
