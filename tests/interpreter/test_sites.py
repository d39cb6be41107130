"""Every dispatch and sleep names its site: the DAG node of its `await` (as `waymark graph`
draws it) and its iteration (loops, spread elements, helper calls), also on retries and across
resumes (each step below starts from the saved state)."""

from __future__ import annotations

import dataclasses
from typing import Any

from waymark_compiler.api import compile_source
from waymark_runtime import interpreter, ir
from waymark_runtime.dag import build_dag
from waymark_runtime.effects import ActionFinished, DispatchAction, SleepFinished, StartSleep

SOURCE = """
import asyncio
from waymark import RetryPolicy, Workflow, action, workflow


@action
async def fetch(item: int) -> int:
    return item


@workflow
class Nested(Workflow):
    async def run(self, rows: int) -> int:
        total = 0
        for row in range(rows):
            column = 0
            while column < 2:
                total += await fetch(20 + row * 10 + column)
                column += 1
            for ignored in range(3):
                total += 1
        parts = await asyncio.gather(
            *[self.run_action(fetch(i), retry=RetryPolicy(attempts=2)) for i in range(3)]
        )
        for round_ in range(2):
            await self.helper(round_)
        await asyncio.sleep(1)
        return total + sum(parts)

    async def helper(self, value: int) -> None:
        for step in range(2):
            await fetch(100 + value * 10 + step)
"""

FLAKY = {1}  # fetch(1) fails on its first try


def program() -> ir.Workflow:
    [compiled] = compile_source(SOURCE, "nested.py", "nested").workflows
    return compiled.program


def effects_of(workflow: ir.Workflow, inputs: dict[str, Any]) -> list[Any]:
    """Every effect of a run where every sleep ends and `FLAKY` arguments fail once."""
    seen: list[Any] = []
    state, effects = interpreter.start(workflow, inputs)
    while effects:
        seen.extend(effects)
        events: list[Any] = []
        for effect in effects:
            if isinstance(effect, DispatchAction):
                ok = not (effect.args[0] in FLAKY and effect.attempt == 1)
                value = effect.args[0] if ok else _error()
                events.append(ActionFinished(node=effect.node, attempt=effect.attempt, ok=ok,
                                             value=value))  # fmt: skip
            elif isinstance(effect, StartSleep):
                events.append(SleepFinished(node=effect.node))
        if not events:
            break
        state, effects = interpreter.advance(workflow, state, events)
    return seen


def _error() -> dict[str, Any]:
    return {"$t": "exception", "type": "builtins:ConnectionError", "bases": ["builtins:OSError"],
            "message": "flaky", "args": ["flaky"], "attrs": {}}  # fmt: skip


def test_sites_and_iterations_of_loops_spreads_helpers_and_sleeps() -> None:
    workflow = program()
    placed = [
        (type(e).__name__, e.args[0] if isinstance(e, DispatchAction) else None, e.site,
         e.iteration)
        for e in effects_of(workflow, {"rows": 2})
        if isinstance(e, DispatchAction | StartSleep)
    ]  # fmt: skip
    loop = "run.1.body.1.body.0"
    assert placed == [
        ("DispatchAction", 20, loop, (0, 0)),  # row 0, column 0
        ("DispatchAction", 21, loop, (0, 1)),
        ("DispatchAction", 30, loop, (1, 0)),
        ("DispatchAction", 31, loop, (1, 1)),
        ("DispatchAction", 0, "run.2.0", (0,)),  # a spread: one element each
        ("DispatchAction", 1, "run.2.0", (1,)),
        ("DispatchAction", 2, "run.2.0", (2,)),
        ("DispatchAction", 1, "run.2.0", (1,)),  # a retry keeps its site and iteration
        ("DispatchAction", 100, "helper.0.body.0", (0, "run.3.body.0", 0)),
        ("DispatchAction", 101, "helper.0.body.0", (0, "run.3.body.0", 1)),
        ("DispatchAction", 110, "helper.0.body.0", (1, "run.3.body.0", 0)),
        ("DispatchAction", 111, "helper.0.body.0", (1, "run.3.body.0", 1)),
        ("StartSleep", None, "run.4", ()),
    ]


def test_every_site_is_a_node_of_the_graph() -> None:
    workflow = program()
    nodes = {node.id: node.kind for node in build_dag(workflow).nodes}
    sites = {e.site for e in effects_of(workflow, {"rows": 1}) if hasattr(e, "site")}
    assert sites and all(nodes[site] in ("action", "sleep") for site in sites)


def test_a_state_saved_before_loops_counted_resumes_counting_from_zero() -> None:
    workflow = program()
    state, effects = interpreter.start(workflow, {"rows": 2})
    [first] = effects
    assert first.iteration == (0, 0)
    # As saved before counters: run's frame has only its three loop iterators' slots.
    frame = state.frames[0]
    assert len(frame.slots) == 6  # then a counter for each loop that awaits
    old = dataclasses.replace(state, frames=(dataclasses.replace(frame, slots=frame.slots[:3]),))
    _, effects = interpreter.advance(
        workflow, old, [ActionFinished(node=first.node, attempt=1, ok=True, value=20)]
    )
    [second] = effects
    assert (second.args, second.site, second.iteration) == ((21,), first.site, (0, 1))
