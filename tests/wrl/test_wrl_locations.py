"""Source locations in `.wrl` text: relative in functions, absolute on the `workflow` line, and
never part of a version. Moving a workflow in its file changes one line of its text and neither
its behaviour text nor its version, while parsing still gives absolute lines."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import workflows

from waymark_runtime import ir
from waymark_runtime.errors import ProgramMismatch, WrlSyntaxError
from waymark_runtime.wrl import (
    behaviour_text,
    check_program,
    dumps,
    parse,
    version_of,
    version_of_workflow,
)

# Generated whole workflows are large: a few dozen examples each keep this file fast.
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LEGACY = """\
wrl 1

workflow Legacy @20:1

fn run(x): @21:5
    y = await action app.tasks:double(x) @22:9
    if y > 3: @23:9
        return y @24:13
    return 0 @25:9
"""


def remap(node: Any, change: Callable[[ir.Span], ir.Span | None]) -> Any:
    """`node` with every span replaced by `change(span)`."""
    if isinstance(node, tuple):
        return tuple(remap(item, change) for item in node)
    if not is_dataclass(node) or isinstance(node, ir.Span):
        return node
    values = {f.name: getattr(node, f.name) for f in fields(node)}
    for name, value in values.items():
        if name == "span":
            values[name] = None if value is None else change(value)
        else:
            values[name] = remap(value, change)
    return type(node)(**values)


def spans_of(node: Any) -> list[tuple[int, int]]:
    """Every span's start, in tree order."""
    if isinstance(node, tuple):
        return [found for item in node for found in spans_of(item)]
    if not is_dataclass(node) or isinstance(node, ir.Span):
        return []
    found: list[tuple[int, int]] = []
    for f in fields(node):
        value = getattr(node, f.name)
        if f.name == "span":
            found += [] if value is None else [(value.line, value.column)]
        else:
            found += spans_of(value)
    return found


def moved(lines: int) -> Callable[[ir.Span], ir.Span]:
    return lambda s: ir.Span(s.line + lines, s.column, s.end_line + lines, s.end_column)


@SETTINGS
@given(workflows())
def test_behaviour_text_is_the_text_printed_without_spans(workflow: ir.Workflow) -> None:
    assert behaviour_text(dumps(workflow)) == dumps(remap(workflow, lambda _: None))


@SETTINGS
@given(workflows(), st.integers(min_value=1, max_value=10_000))
def test_moving_a_workflow_changes_only_its_workflow_line(
    workflow: ir.Workflow, lines: int
) -> None:
    workflow = replace(workflow, span=workflow.span or ir.Span(1, 1, 1, 1))
    text, shifted = dumps(workflow), dumps(remap(workflow, moved(lines)))
    changed = [
        i
        for i, (a, b) in enumerate(zip(text.split("\n"), shifted.split("\n"), strict=True))
        if a != b
    ]
    assert changed == [2]
    assert behaviour_text(shifted) == behaviour_text(text)
    assert version_of_workflow(remap(workflow, moved(lines))) == version_of_workflow(workflow)
    expected = [(line + lines, column) for line, column in spans_of(parse(text))]
    assert spans_of(parse(shifted)) == expected  # read back absolute, following the move


@SETTINGS
@given(workflows())
def test_locations_inside_functions_are_relative(workflow: ir.Workflow) -> None:
    text = dumps(workflow)
    assert dumps(parse(text)) == text
    located = [line for line in text.split("\n")[3:] if re.search(r" @[0-9]+:[0-9]+$", line)]
    assert located == []


def test_statement_locations_count_from_their_function() -> None:
    text = "wrl 2\n\nworkflow W @10:1\n\nfn run(): @+2:5\n    pass @+3:9\n    pass @-1:9\n"
    workflow = parse(text)
    assert workflow.span == ir.Span(10, 1, 10, 1)
    assert workflow.run.span == ir.Span(12, 5, 12, 5)
    assert [stmt.span for stmt in workflow.run.body] == [
        ir.Span(15, 9, 15, 9),
        ir.Span(11, 9, 11, 9),
    ]
    assert dumps(workflow) == text


def test_an_unsigned_location_is_absolute_anywhere() -> None:
    text = "wrl 2\n\nworkflow W @10:1\n\nfn run(): @12:5\n    pass @15:9\n"
    workflow = parse(text)
    assert workflow.run.span == ir.Span(12, 5, 12, 5)
    assert workflow.run.body[0].span == ir.Span(15, 9, 15, 9)
    assert dumps(workflow).endswith("fn run(): @+2:5\n    pass @+3:9\n")


def test_a_location_before_the_first_line_is_a_syntax_error() -> None:
    with pytest.raises(WrlSyntaxError, match="before line 1") as caught:
        parse("wrl 2\n\nworkflow W @3:1\n\nfn run(): @+1:5\n    pass @-9:9\n")
    assert caught.value.line == 6


def test_a_location_is_not_behaviour() -> None:
    text = dumps(parse(LEGACY))
    assert version_of(text.replace("@+4:13", "@+5:13")) == version_of(text)
    assert version_of(text.replace("y > 3", "y > 4")) != version_of(text)


def test_legacy_texts_still_load_with_absolute_locations() -> None:
    workflow = parse(LEGACY)
    assert workflow.run.span == ir.Span(21, 5, 21, 5)
    inner = workflow.run.body[1]
    assert isinstance(inner, ir.If) and inner.body[0].span == ir.Span(24, 13, 24, 13)
    upgraded = dumps(workflow)
    assert upgraded.startswith("wrl 2\n\nworkflow Legacy @20:1\n\nfn run(x): @+1:5\n")
    assert parse(upgraded) == workflow
    assert spans_of(parse(upgraded)) == spans_of(workflow)


def test_legacy_rows_verify_under_the_hash_of_their_whole_text() -> None:
    legacy_version = hashlib.sha256(LEGACY.encode()).hexdigest()[:16]
    check_program("Legacy", legacy_version, LEGACY)  # a row stored before `wrl 2`
    with pytest.raises(ProgramMismatch):
        check_program("Legacy", legacy_version, LEGACY.replace("@24:13", "@25:13"))


def test_a_stored_text_may_carry_other_positions_under_its_version() -> None:
    text = dumps(parse(LEGACY))
    version = version_of(text)
    check_program("Legacy", version, text.replace("@20:1", "@40:1").replace("@+4:13", "@+6:13"))
    with pytest.raises(ProgramMismatch):
        check_program("Legacy", version, text.replace("y > 3", "y > 4"))
