"""The parser raises `WrlSyntaxError` and nothing else, on any text.

Random text and random edits of valid programs either fail with a positioned `WrlSyntaxError`
or parse into a workflow whose canonical text is a fixed point of parse-then-print.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import workflows

from waymark_runtime.errors import WrlSyntaxError
from waymark_runtime.wrl import dumps, parse

TESTS = Path(__file__).resolve().parents[1]
SAMPLES = [
    path.read_text(encoding="utf-8")
    for folder in (TESTS / "wrl" / "samples", TESTS / "golden")  # hand-written and compiled
    for path in sorted(folder.glob("*.wrl"))
]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = "wrl 2\n\nworkflow W\n\nfn run():\n"
# Characters that matter to the lexer, so random edits hit interesting places.
SYNTAX_CHARS = "()[]{}:,.=@*+-<>!'\"`\\#\n\t  0123456789abcfnrx_\x00é"


def check_text(text: str) -> None:
    try:
        workflow = parse(text)
    except WrlSyntaxError as error:
        assert error.line >= 1 and error.column >= 1, error
        assert error.line <= text.count("\n") + 2, error
        assert str(error).strip()
        return
    canonical = dumps(workflow)
    assert dumps(parse(canonical)) == canonical


@SETTINGS
@given(st.text())
def test_any_text(text: str) -> None:
    check_text(text)


@SETTINGS
@given(st.text(alphabet=SYNTAX_CHARS, max_size=80))
def test_any_statement_text(text: str) -> None:
    check_text(HEADER + "    " + text + "\n")


def valid_programs() -> st.SearchStrategy[str]:
    """The hand-written samples (cheap, realistic) and, less often, generated programs."""
    samples = st.sampled_from(SAMPLES)
    return st.one_of(samples, samples, samples, workflows().map(dumps))


@st.composite
def edited_programs(draw: st.DrawFn) -> str:
    """A valid program with a few characters deleted, inserted or replaced."""
    text = draw(valid_programs())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 8)))
        insert = draw(st.text(alphabet=SYNTAX_CHARS, max_size=3))
        text = text[:start] + insert + text[end:]
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_programs())
def test_edited_programs(text: str) -> None:
    check_text(text)


@st.composite
def shuffled_lines(draw: st.DrawFn) -> str:
    """A valid program with lines moved, duplicated or re-indented."""
    lines = draw(valid_programs()).splitlines()
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    line = lines.pop(index)
    indent = draw(st.sampled_from(("", "  ", "    ", "        ", "\t")))
    lines.insert(draw(st.integers(min_value=0, max_value=len(lines))), indent + line.lstrip())
    return "\n".join(lines) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shuffled_lines())
def test_shuffled_lines(text: str) -> None:
    check_text(text)


def test_deep_nesting_is_a_syntax_error() -> None:
    for expression in ("-" * 5000 + "x", "[" * 5000 + "]" * 5000, " + ".join(["x"] * 3000)):
        try:
            parse(HEADER + f"    y = {expression}\n")
        except WrlSyntaxError as error:
            assert "nesting too deep" in str(error)
        else:
            raise AssertionError("deep nesting was accepted")


@pytest.mark.parametrize("body", ["x" * 1_000_000, "\\n" * 500_000, "\\'x" * 300_000])
def test_a_long_string_literal_is_read_in_memory_of_its_size(body: str) -> None:
    """A literal of a million characters, or of half a million escapes, takes a few times its
    own size to read: the lexer keeps no state per character (it kept hundreds of bytes each,
    gigabytes for a program of tens of megabytes)."""
    tracemalloc.start()
    try:
        workflow = parse(HEADER + f"    return '{body}'\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * len(body), f"{peak:,} bytes to read a literal of {len(body):,}"
    assert dumps(parse(dumps(workflow))) == dumps(workflow)


def test_non_text_input() -> None:
    try:
        parse(b"wrl 2\n")  # type: ignore[arg-type]
    except WrlSyntaxError as error:
        assert "expected .wrl text" in str(error)
    else:
        raise AssertionError("bytes were accepted")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=6000), st.integers(min_value=0, max_value=6000))
def test_any_location(line_digits: int, column_digits: int) -> None:
    """Locations of any length, past `int()`'s 4,300 digits too, in every place one may stand."""
    location = f"@{'7' * line_digits}:{'3' * column_digits}"
    check_text(f"wrl 2\n\nworkflow W {location}\n\nfn run():\n    pass\n")
    check_text(f"wrl 2\n\nworkflow W\n\nfn run(): {location}\n    pass {location}\n")


def test_a_location_too_long_for_a_number_is_a_syntax_error() -> None:
    text = HEADER + f"    pass @1:{'9' * 4500}\n"
    try:
        parse(text)
    except WrlSyntaxError as error:
        assert "out of range" in str(error) and error.line == 6
    else:
        raise AssertionError("the location was accepted")


REPEATED: dict[str, Callable[[int], str]] = {
    "parentheses": lambda n: "(" * n + "x" + ")" * n,
    "lists": lambda n: "[" * n + "x" + "]" * n,
    "dicts": lambda n: "{'k': " * n + "x" + "}" * n,
    "negations": lambda n: "-" * n + "x",
    "nots": lambda n: "not " * n + "x",
    "sum": lambda n: " + ".join(["x"] * n),
    "comparisons": lambda n: " < ".join(["x"] * n),
    "conditions": lambda n: " and ".join(["x"] * n),
    "attributes": lambda n: "x" + ".a" * n,
    "subscripts": lambda n: "x" + "[0]" * n,
    "ternaries": lambda n: "x if x else " * n + "x",
    "lambdas": lambda n: "lambda: " * n + "x",
    "items": lambda n: "[" + ", ".join(["x"] * n) + "]",
    "numbers": lambda n: "9" * n,
    "exponents": lambda n: "1e" + "9" * n,
    "escapes": lambda n: "'" + "\\u0041" * n + "'",
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(REPEATED)), st.integers(min_value=1, max_value=3000))
def test_repeated_constructs(construct: str, times: int) -> None:
    """A construct repeated thousands of times parses or is a `WrlSyntaxError`."""
    check_text(HEADER + f"    return {REPEATED[construct](times)}\n")
