"""Gathered async helpers run as tasks: where their dispatches are placed (site and iteration,
retries included), how the DAG draws them, how their state is saved and read back, and what an
abandoned task does once its gather has raised."""

from __future__ import annotations

from typing import Any

import pytest

from tests.interpreter.test_sites import _error, effects_of
from waymark_compiler.api import compile_source
from waymark_runtime import interpreter, ir
from waymark_runtime.dag import build_dag
from waymark_runtime.effects import (
    ActionFinished,
    Complete,
    DispatchAction,
    StartSleep,
)
from waymark_runtime.interpreter import decode_state, encode_state
from waymark_runtime.interpreter.persisted import StateFormatError

SOURCE = """
import asyncio
from waymark import RetryPolicy, Workflow, action, workflow


@action
async def fetch(item: int) -> int:
    return item


@workflow
class Tasks(Workflow):
    async def run(self, n: int) -> list[int]:
        return await asyncio.gather(
            self.pair(n), fetch(n + 100), *[self.pair(10 * i) for i in range(2)]
        )

    async def pair(self, value: int) -> int:
        first = await self.run_action(fetch(value + 1), retry=RetryPolicy(attempts=2))
        await asyncio.sleep(1)
        return first + await fetch(value + 2)


@workflow
class Abandon(Workflow):
    async def run(self) -> str:
        try:
            await asyncio.gather(self.step(1), self.step(2))
        except ValueError as error:
            return f"caught {error}"
        return "none"

    async def step(self, value: int) -> int:
        got = await fetch(value)
        return await fetch(got + 10)
"""


def workflow(name: str) -> ir.Workflow:
    compiled = {w.program.name: w.program for w in compile_source(SOURCE, "t.py", "t").workflows}
    return compiled[name]


def test_tasks_place_their_dispatches_and_sleeps_after_their_gather_item() -> None:
    effects = effects_of(workflow("Tasks"), {"n": 1})  # fetch(1) fails once
    placed = [
        (type(e).__name__, e.args[0] if isinstance(e, DispatchAction) else None, e.site,
         e.iteration)
        for e in effects
        if isinstance(e, DispatchAction | StartSleep)
    ]  # fmt: skip
    inner, sleep, last = "pair.0", "pair.1", "pair.3"  # the return awaits in a temporary first
    assert placed[:4] == [
        ("DispatchAction", 2, inner, ("run.0.0",)),  # each item in argument order: a task
        ("DispatchAction", 101, "run.0.1", ()),  # to its first await, an action item
        ("DispatchAction", 1, inner, (0, "run.0.2")),  # a spread's tasks: element, item
        ("DispatchAction", 11, inner, (1, "run.0.2")),
    ]
    assert ("DispatchAction", 1, inner, (0, "run.0.2")) in placed[4:]  # a retry in a task
    assert ("StartSleep", None, sleep, ("run.0.0",)) in placed
    assert ("DispatchAction", 12, last, (1, "run.0.2")) in placed
    assert effects[-1] == Complete(result=[2 + 3, 101, 1 + 2, 11 + 12])


def test_the_dag_draws_gathered_helpers_as_calls_and_every_site_is_a_node() -> None:
    program = workflow("Tasks")
    dag = build_dag(program)
    nodes = {node.id: node for node in dag.nodes}
    assert [nodes[f"run.0.{i}"].kind for i in range(3)] == ["call", "action", "call"]
    assert nodes["run.0.2"].label.startswith("self.pair(10 * i)")
    calls = {(e.source, e.target) for e in dag.edges if e.kind == "call"}
    assert {("run.0.0", "pair.start"), ("run.0.2", "pair.start")} <= calls
    effects = effects_of(program, {"n": 1})
    sites = {e.site for e in effects if isinstance(e, DispatchAction | StartSleep)}
    assert all(nodes[site].kind in ("action", "sleep") for site in sites)


def test_the_state_holds_one_record_per_task_and_reads_back() -> None:
    program = workflow("Tasks")
    state, _ = interpreter.start(program, {"n": 1})
    document = encode_state(state)
    assert [task["node"] for task in document["tasks"]] == ["n1", "n3", "n4"]
    assert [call["target"] for call in document["wait"]["calls"]] == [
        "self.pair", "t:fetch", "self.pair", "self.pair"
    ]  # fmt: skip
    assert decode_state(document) == state
    plain = {key: value for key, value in document.items() if key != "tasks"}
    assert decode_state(plain).tasks == ()  # a format 2 document of before: no tasks


@pytest.mark.parametrize(
    "tasks",
    [[{"node": "n2"}], [{"node": 3, "path": [], "frames": []}], "tasks", [{"path": [None]}]],
)
def test_a_malformed_task_record_is_a_state_format_error(tasks: Any) -> None:
    state, _ = interpreter.start(workflow("Tasks"), {"n": 1})
    document = {**encode_state(state), "tasks": tasks}
    with pytest.raises(StateFormatError):
        decode_state(document)


def test_a_gather_that_raises_abandons_its_other_tasks() -> None:
    program = workflow("Abandon")
    state, effects = interpreter.start(program, {})
    first, second = effects
    assert (first.args, second.args) == ((1,), (2,))
    failed = ActionFinished(
        node=first.node, attempt=1, ok=False, value={**_error(), "type": "builtins:ValueError"}
    )
    state, effects = interpreter.advance(program, state, [failed])
    assert effects == [Complete(result="caught flaky")]
    late = ActionFinished(node=second.node, attempt=1, ok=True, value=2)
    state, effects = interpreter.advance(program, state, [late])
    assert effects == [] and state.status == "completed"
