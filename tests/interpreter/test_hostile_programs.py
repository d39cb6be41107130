"""Stored programs a stranger edited: the compiled golden programs with lines deleted, repeated
or swapped and characters changed. Whatever parses, the interpreter runs to effects or to a
failed instance whose error is a stored exception; it never raises anything of its own.

Its graph is drawn too, as `waymark graph` and the dashboard draw it. A stored state with a
value replaced resumes or fails with `StateFormatError`.
A `.wrl` in the database is data: a program the compiler would never emit (a name read before
it is bound, a `break` outside a loop, a call with the wrong arguments) fails its instance with
the error Python would raise, or with `ProgramError`.
"""

from __future__ import annotations

import contextlib
import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waymark_compiler.graph import to_dot
from waymark_runtime import ir
from waymark_runtime.dag import build_dag
from waymark_runtime.effects import ActionFinished, DispatchAction, Fail
from waymark_runtime.errors import (
    InternalError,
    ProgramError,
    ValueNotSerializable,
    WaymarkError,
    WrlSyntaxError,
)
from waymark_runtime.interpreter import (
    LimitExceeded,
    Limits,
    StateFormatError,
    StepContext,
    advance,
    decode_state,
    encode_state,
    start,
)
from waymark_runtime.wrl import dumps, parse

GOLDEN = sorted((Path(__file__).resolve().parents[1] / "golden").glob("*.wrl"))
PROGRAMS = [  # one workflow each (a golden file may hold several)
    block for path in GOLDEN for block in re.split(r"\n(?=wrl )", path.read_text(encoding="utf-8"))
]
CHARS = "()[]{}:,.=@*+-<>!'\"\\#\n 0123456789abcfnrx_é"
INPUTS = [3, -1, "a b", [1, 2, 3], {"k": 1}, None, 2.5, [{"a": 1}], True]
LIMITS = Limits(operations=100_000, collection_length=10_000, string_length=100_000, int_digits=200)


@st.composite
def edited_programs(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(PROGRAMS)).split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "repeat", "swap", "chars"]))
        if edit == "delete" and len(lines) > 1:
            del lines[index]
        elif edit == "repeat":
            lines.insert(other, lines[index])
        elif edit == "swap":
            lines[index], lines[other] = lines[other], lines[index]
        else:
            line = lines[index]
            at = draw(st.integers(min_value=0, max_value=len(line)))
            cut = draw(st.integers(min_value=0, max_value=4))
            lines[index] = line[:at] + draw(st.text(alphabet=CHARS, max_size=3)) + line[at + cut :]
    return "\n".join(lines)


def _inputs(program: ir.Workflow, draw: st.DrawFn) -> dict[str, Any]:
    required = [p for p in program.run.params if not p.star and p.default is None]
    return {param.name: draw(st.sampled_from(INPUTS)) for param in required}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_programs(), st.data())
def test_an_edited_program_runs_or_fails_its_instance(text: str, data: st.DataObject) -> None:
    try:
        program = parse(text)
    except WrlSyntaxError:
        return
    assert dumps(parse(dumps(program))) == dumps(program)
    _drawn(program)
    try:
        _, effects = start(program, _inputs(program, data.draw), StepContext(limits=LIMITS))
    except InternalError:  # a gap of ours, not the program's fault
        raise
    except WaymarkError:  # refused as a whole (a program that does not compile for the host)
        return
    for effect in effects:
        if isinstance(effect, Fail):
            error = effect.error
            assert error["$t"] == "exception" and ":" in error["type"], error
            assert isinstance(error["message"], str)


def _drawn(program: ir.Workflow) -> None:
    """Its graph, as `waymark graph` and the dashboard draw it: a DAG, or a `ProgramError`
    for text Python could not have written (`break` outside a loop)."""
    try:
        dag = build_dag(program)
    except ProgramError:
        return
    assert to_dot(dag).startswith("digraph")


def test_a_starred_target_outside_a_tuple_fails_as_a_program_error() -> None:
    """`for* row in rows` (a golden program with a moved `*`) stopped the interpreter with
    `InternalError: unknown assignment target Starred`."""
    text = next(t for t in PROGRAMS if "for row in rows if" in t).replace("for row", "for* row")
    try:
        start(parse(text), {"rows": []})
    except ProgramError as error:
        assert "starred assignment target must be in a list or tuple" in str(error)
    else:
        raise AssertionError("the starred target was accepted")


# Values a stranger (or a bad migration) could leave in a stored state, tags of ours included.
JUNK: list[Any] = [None, 1, -1, 10**30, "x", [], {}, {"$t": "ref", "v": 99}, {"$t": "mref", "v": 5},
    {"$t": "nope"}, {"$t": "float", "v": "x"}, {"$t": "float", "v": "nan", "id": [1]},
    {"$t": "int", "v": "zz"}, {"$t": "str", "v": "\\u"}, {"$t": "tuple"}, {"$t": "dict", "items": [[1]]},
    {"$t": "range", "v": [0, 10**9, 0]}, {"$t": "model", "type": "os:system", "fields": {}},
    {"$t": "exception", "type": 5}, {"$t": "datetime", "v": "garbage"}, {"$t": "bytes", "v": "!!"},
    {"$t": "view", "kind": "keys", "of": 1}, {"$t": "decimal", "v": "1e999999999"},
    {"$t": "partial", "func": 1, "args": [], "keywords": {}}, {"$t": "action", "v": "os:system"}]  # fmt: skip


@cache
def _paused() -> list[tuple[ir.Workflow, dict[str, Any], list[str]]]:
    """Golden programs started and paused at their first await: program, state, nodes."""
    found = []
    for text in PROGRAMS:
        program = parse(text)
        required = [p.name for p in program.run.params if not p.star and p.default is None]
        state, effects = start(
            program, {name: [1, 2, 3] for name in required}, StepContext(limits=LIMITS)
        )
        if state.status == "running":
            nodes = [e.node for e in effects if isinstance(e, DispatchAction)]
            found.append((program, encode_state(state), nodes))
    return found


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        found += _places(child, (*path, key))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_corrupted_stored_state_fails_as_a_state_error(data: st.DataObject) -> None:
    """A stored state with any value replaced: it resumes, or fails with `StateFormatError` or
    `ValueNotSerializable` (a stored exception or value that is not one), never with a
    `KeyError` or `IndexError` of the decoder."""
    program, document, nodes = data.draw(st.sampled_from(_paused()))
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(min_value=1, max_value=2))):
        *parents, last = data.draw(st.sampled_from(_places(document)))
        holder = document
        for key in parents:
            holder = holder[key]
        holder[last] = copy.deepcopy(data.draw(st.sampled_from(JUNK)))
    events = [ActionFinished(node=node, attempt=1, ok=True, value=1) for node in nodes]
    with contextlib.suppress(StateFormatError, ValueNotSerializable, LimitExceeded):
        advance(program, decode_state(document), events, StepContext(limits=LIMITS))


def test_a_stored_task_without_frames_fails_as_a_state_error() -> None:
    """A gathered helper's task saved with no call stack (a task that ended is never saved)."""
    document = next(entry[1] for entry in _paused() if "tasks" in entry[1])
    document = copy.deepcopy(document)
    document["tasks"][0]["frames"] = []
    with pytest.raises(StateFormatError, match="frames"):
        decode_state(document)
