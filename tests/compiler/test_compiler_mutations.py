"""Real workflow sources, mutated: the compiler compiles them or refuses them with diagnostics,
never with an exception of its own, and what it compiles the runtime's parser reads back.

The sources are the golden workflows and the parity cases; a mutation deletes, duplicates,
swaps or replaces Python tokens (what a half-finished edit leaves behind) or edits characters.
"""

from __future__ import annotations

import io
import tokenize
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waymark_compiler.api import compile_source
from waymark_runtime.wrl import dumps, parse

TESTS = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(TESTS / "golden").glob("*.py"), *(TESTS / "parity" / "cases").glob("[!_]*.py")])
# Tokens a mutation inserts: keywords and punctuation the lowering treats specially.
INSERTS = ["await", "async", "return", "yield", "lambda", "self", "*", "**", "(", ")", "[",
           "]", "{", "}", ":", ",", ".", "=", ":=", "not", "in", "is", "if", "else", "for",
           "None", "0", "1e308", "'x'", "f'{x}'", "asyncio.gather", "\n", "\n    ", "#"]  # fmt: skip
CHARS = "()[]{}:,.=*+-<>!'\"@\\#\n\t 0123456789abcfnrx_é"


@cache
def _tokens(path: Path) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A source and the character spans of its tokens."""
    text = path.read_text(encoding="utf-8")
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT, tokenize.INDENT):
            continue
        start = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        if end > start:
            spans.append((start, end))
    return text, tuple(spans)


@st.composite
def mutated_sources(draw: st.DrawFn) -> str:
    text, spans = _tokens(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(spans) - 1))
        start, end = spans[index]
        other_start, other_end = spans[draw(st.integers(min_value=0, max_value=len(spans) - 1))]
        token, other = text[start:end], text[other_start:other_end]
        edit = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "chars"]))
        if edit == "delete":
            replacement = ""
        elif edit == "duplicate":
            replacement = f"{token} {token}"
        elif edit == "swap":
            replacement = other
        elif edit == "insert":
            replacement = f"{draw(st.sampled_from(INSERTS))} {token}"
        else:
            replacement = draw(st.text(alphabet=CHARS, max_size=4))
        text = text[:start] + replacement + text[end:]
        spans = _tokens_of_same_length(spans, index, len(replacement) - (end - start))
    return text


def _tokens_of_same_length(
    spans: tuple[tuple[int, int], ...], index: int, shift: int
) -> tuple[tuple[int, int], ...]:
    """The token spans after token `index` changed length by `shift` (later ones move)."""
    start, end = spans[index]
    moved = [(s + shift, e + shift) if s >= end else (s, e) for s, e in spans]
    moved[index] = (start, max(start, end + shift))
    return tuple(span for span in moved if span[1] > span[0])


def _check(source: str) -> None:
    result = compile_source(source, "mutated.py", module="mutated")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert errors or result.workflows or "@workflow" not in source or not result.diagnostics
    for diagnostic in errors:
        assert diagnostic.code.startswith("WM") and diagnostic.message.strip(), diagnostic
    if errors:
        return
    for workflow in result.workflows:
        program = parse(workflow.wrl)
        assert program == workflow.program
        assert dumps(program) == workflow.wrl


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sources())
def test_mutated_workflows_compile_or_refuse_with_diagnostics(source: str) -> None:
    _check(source)


def test_every_source_compiles_and_reads_back_unmutated() -> None:
    for path in SOURCES:
        _check(path.read_text(encoding="utf-8"))
