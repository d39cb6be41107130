"""Placing recorded attempts on the DAG: each attempt and sleep row names the DAG node of the
await that made it and its iteration, as the interpreter attached them when it dispatched;
inspection reads them, with no replay.

Here the rows come from a simulated host driving the interpreter (no database): every
occurrence must land on the node of the statement that made it, through branches, loops,
helper methods, spreads, retries and sleeps, and the statuses must follow the rows."""

from __future__ import annotations

import dataclasses
from typing import Any

from waymark_compiler.api import compile_source
from waymark_compiler.cli._placement import Placement, Snapshot, place
from waymark_compiler.cli._status import node_states
from waymark_runtime import interpreter, ir
from waymark_runtime.dag import Dag, build_dag
from waymark_runtime.effects import ActionFinished, DispatchAction, SleepFinished, StartSleep

SOURCE = """
import asyncio
from waymark import RetryPolicy, Workflow, action, workflow


@action
async def fetch(item: int) -> int:
    return item


@workflow
class Demo(Workflow):
    async def run(self, items: list[int]) -> int:
        total = await self.run_action(fetch(0), retry=RetryPolicy(attempts=3))
        for item in items:
            if item % 2:
                total += await fetch(item)
            else:
                total += await self.double(item)
        parts = await asyncio.gather(*[fetch(i) for i in items])
        await asyncio.sleep(5)
        return total + sum(parts)

    async def double(self, item: int) -> int:
        value = await fetch(item)
        return value * 2
"""


def program() -> ir.Workflow:
    [compiled] = compile_source(SOURCE, "demo.py", "demo").workflows
    return compiled.program


def simulate(workflow: ir.Workflow, inputs: dict[str, Any], steps: int) -> Snapshot:
    """Run `steps` host steps: every dispatched attempt is recorded and answered (the first
    try of `fetch(0)` fails), every sleep ends. Returns what a database would hold then."""
    state, effects = interpreter.start(workflow, inputs)
    rows: list[dict[str, Any]] = []
    sleeps: list[dict[str, Any]] = []
    clock = 0.0
    for _ in range(steps):
        events: list[Any] = []
        for effect in effects:
            clock += 1
            if isinstance(effect, DispatchAction):
                ok = not (effect.args == (0,) and effect.attempt == 1)
                rows.append(_row(effect, ok, clock))
                value = effect.args[0] if ok else _error()
                events.append(ActionFinished(node=effect.node, attempt=effect.attempt, ok=ok,
                                             value=value))  # fmt: skip
            elif isinstance(effect, StartSleep):
                events.append(SleepFinished(node=effect.node))
                sleeps.append(_sleep(effect, clock, finished=True))
        if not events:
            break
        state, effects = interpreter.advance(workflow, state, events)
    for effect in effects:  # dispatched by the last step, not run yet
        if isinstance(effect, DispatchAction):
            rows.append({**_row(effect, True, clock), "status": "queued", "finished_at": None})
        elif isinstance(effect, StartSleep):
            sleeps.append(_sleep(effect, clock, finished=False))
    done = state.status == "completed"
    return Snapshot(id="i", workflow="Demo", version="v", status=state.status, priority=0,
                    inputs=inputs, result=None, error=None, created_at=0.0, updated_at=clock,
                    finished_at=clock if done else None, attempts=rows, sleeps=sleeps,
                    program=workflow)  # fmt: skip


def _row(effect: DispatchAction, ok: bool, clock: float) -> dict[str, Any]:
    return {"node": effect.node, "attempt": effect.attempt, "action": effect.action,
            "args": list(effect.args), "kwargs": effect.kwargs,
            "status": "completed" if ok else "failed", "result": effect.args[0] if ok else None,
            "error": None if ok else _error(), "lost_count": 0, "orphaned_count": 0,
            "timeout_seconds": None,
            "ready_at": clock, "created_at": clock, "started_at": clock, "finished_at": clock,
            "site": effect.site, "iteration": list(effect.iteration)}  # fmt: skip


def _sleep(effect: StartSleep, clock: float, *, finished: bool) -> dict[str, Any]:
    return {"node": effect.node, "wake_at": clock + effect.seconds, "site": effect.site,
            "iteration": list(effect.iteration), "finished_at": clock if finished else None}  # fmt: skip


def _error() -> dict[str, Any]:
    return {"$t": "exception", "type": "builtins:ConnectionError", "bases": ["builtins:OSError"],
            "message": "flaky", "args": ["flaky"], "attrs": {}}  # fmt: skip


def placed(dag: Dag, snapshot: Snapshot) -> list[tuple[str, tuple[int | str, ...]]]:
    placement = place(snapshot, dag)
    order = sorted(placement.sites, key=lambda n: int(n[1:]))
    return [(placement.sites[n], placement.iterations[n]) for n in order]


def statuses_of(dag: Dag, snapshot: Snapshot) -> dict[str, str]:
    return {n: s.status for n, s in node_states(dag, snapshot, place(snapshot, dag)).items()}


def test_every_occurrence_lands_on_its_statement() -> None:
    workflow = program()
    dag = build_dag(workflow)
    snapshot = simulate(workflow, {"items": [1, 2]}, steps=50)
    assert snapshot.status == "completed"
    assert placed(dag, snapshot) == [
        ("run.0", ()),  # fetch(0), tried twice: one occurrence
        ("run.1.body.0.then.0", (0,)),  # item 1, loop iteration 0: the `if` branch
        ("double.0", (1, "run.1.body.0.else.0")),  # item 2: inside the helper method
        ("run.2.0", (0,)),  # the spread, once per element
        ("run.2.0", (1,)),
        ("run.3", ()),  # the sleep
    ]
    placement = place(snapshot, dag)
    assert (
        placement.lines["n2"]
        == SOURCE.splitlines().index("                total += await fetch(item)") + 1
    )
    assert placement.calls == {"run.1.body.0.else.0"} and placement.active == set()


def test_statuses_follow_the_records() -> None:
    workflow = program()
    dag = build_dag(workflow)
    snapshot = simulate(workflow, {"items": [1, 2]}, steps=50)
    states = node_states(dag, snapshot, place(snapshot, dag))
    statuses = {node: state.status for node, state in states.items()}
    for node in ("run.start", "run.0", "run.1.body.0.then.0", "run.1.body.0.else.0",
                 "double.0", "run.2", "run.2.0", "run.2.join", "run.3", "run.end"):  # fmt: skip
        assert statuses[node] == "done", node
    assert states["run.2.0"].note == "\u00d72: 2 done"
    assert statuses["run.1"] == "done"  # the loop dominates what ran inside it


def test_what_is_not_recorded_is_not_reached() -> None:
    workflow = program()
    dag = build_dag(workflow)
    snapshot = simulate(workflow, {"items": [3]}, steps=2)  # fetch(0) twice; fetch(3) queued
    assert placed(dag, snapshot) == [("run.0", ()), ("run.1.body.0.then.0", (0,))]
    statuses = statuses_of(dag, snapshot)
    assert statuses["run.1.body.0.then.0"] == "waiting"  # queued, not run yet
    assert statuses["run.2"] == statuses["run.3"] == "not reached"
    assert "run.end" not in statuses


def test_a_pending_sleep_is_waiting() -> None:
    workflow = program()
    dag = build_dag(workflow)
    snapshot = simulate(workflow, {"items": []}, steps=2)  # fetch(0) twice; then the sleep
    statuses = statuses_of(dag, snapshot)
    assert statuses["run.3"] == "waiting"
    assert statuses["run.0"] == "done"


NAP_SOURCE = """
import asyncio
from waymark import Workflow, action, workflow


@action
async def stamp(tag: str) -> str:
    return tag


@workflow
class Nap(Workflow):
    async def run(self, seconds: int) -> str:
        await stamp("before")
        await asyncio.sleep(seconds)
        return await stamp("after")
"""


def test_nothing_after_the_last_record_of_a_cancelled_instance_is_done() -> None:
    [compiled] = compile_source(NAP_SOURCE, "nap.py", "nap").workflows
    dag = build_dag(compiled.program)
    snapshot = simulate(compiled.program, {"seconds": 600}, steps=1)  # stamp done, then sleeps
    assert statuses_of(dag, snapshot)["run.1"] == "waiting"
    # a cancel deletes the pending sleep: the records end with the first stamp
    cancelled = dataclasses.replace(snapshot, workflow="Nap", status="cancelled", sleeps=[])
    statuses = statuses_of(dag, cancelled)
    assert statuses["run.0"] == "done"
    assert statuses["run.1"] == statuses["run.2"] == "not reached"  # the sleep, the stamp after
    assert "run.3" not in statuses and "run.end" not in statuses


def test_a_helper_waiting_on_an_action_is_running() -> None:
    workflow = program()
    dag = build_dag(workflow)
    snapshot = simulate(workflow, {"items": [2]}, steps=2)  # fetch(0) twice; double's fetch queued
    placement = place(snapshot, dag)
    assert placement.active == {"run.1.body.0.else.0"}
    statuses = statuses_of(dag, snapshot)
    assert statuses["run.1.body.0.else.0"] == "running"
    assert statuses["double.0"] == "waiting"


def test_rows_recorded_before_sites_are_placed_by_their_single_call_site() -> None:
    workflow = program()
    dag = build_dag(workflow)
    snapshot = simulate(workflow, {"items": []}, steps=50)
    for row in snapshot.attempts:
        row["site"] = row["iteration"] = None
    placement = place(snapshot, dag)
    assert placement.sites == {"n2": "run.3"}  # fetch has several sites: only the sleep is placed
    assert isinstance(placement, Placement)


CHILDREN_SOURCE = """
import asyncio
from waymark import Workflow, workflow


@workflow
class Kid(Workflow):
    async def run(self, x: int) -> int:
        return x


@workflow
class Parent(Workflow):
    async def run(self, xs: list[int]) -> int:
        parts = await asyncio.gather(*[Kid().run(x=x) for x in xs])
        one = await Kid().run(x=1)
        return sum(parts) + one
"""


def test_child_workflow_calls_land_on_their_nodes() -> None:
    from waymark_runtime.effects import StartChild

    workflows = compile_source(CHILDREN_SOURCE, "kids.py", "kids").workflows
    workflow = next(w.program for w in workflows if w.name == "Parent")
    state, effects = interpreter.start(workflow, {"xs": [2, 3]})
    rows: list[dict[str, Any]] = []
    while effects and isinstance(effects[0], StartChild):
        events = []
        for effect in effects:
            assert isinstance(effect, StartChild)
            rows.append({"node": effect.node, "attempt": 1, "action": effect.workflow,
                         "args": [], "kwargs": effect.inputs, "status": "completed",
                         "result": effect.inputs["x"], "error": None, "lost_count": 0,
                         "orphaned_count": 0, "timeout_seconds": None, "ready_at": 0.0, "created_at": 0.0,
                         "started_at": None, "finished_at": 1.0, "site": effect.site,
                         "iteration": list(effect.iteration)})  # fmt: skip
            events.append(ActionFinished(node=effect.node, attempt=1, ok=True,
                                         value=effect.inputs["x"]))  # fmt: skip
        state, effects = interpreter.advance(workflow, state, events)
    assert state.status == "completed"
    snapshot = Snapshot(id="i", workflow="Parent", version="v", status="completed", priority=0,
                        inputs={"xs": [2, 3]}, result=6, error=None, created_at=0.0,
                        updated_at=1.0, finished_at=1.0, attempts=rows, sleeps=[],
                        program=workflow)  # fmt: skip
    dag = build_dag(workflow)
    assert [site for site, _ in placed(dag, snapshot)] == ["run.0.0", "run.0.0", "run.1"]
    states = node_states(dag, snapshot, place(snapshot, dag))
    assert states["run.1"].status == "done" and states["run.0.0"].status == "done"
