"""`waymark graph --instance ID` colours every site from the sites the attempt and sleep rows
record, on PostgreSQL, for loops, gathers, helper methods, sleeps, try/except and failures.

Each case runs a workflow of `instance_graphs/site_flows.py` with `waymark run`, then replaces
the module by one that fails when imported and inspects the instance from another directory:
inspection must never import the workflow's module. The DOT output (the instance id replaced by
`<instance>`) is compared with `instance_graphs/<case>.dot`; regenerate those goldens with
`pytest tests/cli/test_instance_graph_goldens.py --update-goldens` and review the diff.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from runtime_support import Background, database, fills, instance_of, server, waymark

__all__ = ["database", "server"]

GOLDENS = Path(__file__).resolve().parent / "instance_graphs"
FLOWS = GOLDENS / "site_flows.py"
TRAP = 'raise SystemExit("inspection imported the workflow module")\n'


@dataclass(frozen=True)
class Case:
    workflow: str
    inputs: dict[str, Any]
    code: int = 0
    stop_at: tuple[str, ...] = ()  # interrupt `waymark run` once stderr says these, in turn


CASES = {
    "loops": Case("Loops", {"count": 3}),
    "gathers": Case("Gathers", {"values": [1, 2, 3]}),
    "helpers": Case("Helpers", {"values": [1, 2]}),
    "sleeps": Case("Sleeps", {"rounds": 2, "pause": 0.01}),
    "sleeping": Case(
        "Sleeps", {"rounds": 2, "pause": 3600.0}, code=130, stop_at=("rested", "sleeping,")
    ),  # the long sleep, after the note
    "handled": Case("Handled", {"value": 4}),
    "failing": Case("Failing", {"value": 3}, code=1),
}


@dataclass(frozen=True)
class Inspected:
    instance: str
    dot: str
    shown: dict[str, Any]


@pytest.fixture(scope="module")
def inspected(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Inspected]:
    """Inspect a case (once per module: the goldens and the detailed tests share runs)."""
    done: dict[str, Inspected] = {}

    def get(name: str) -> Inspected:
        if name not in done:
            done[name] = inspect(CASES[name], database, tmp_path_factory.mktemp(name))
        return done[name]

    return get


def inspect(case: Case, database: str, tmp_path: Path) -> Inspected:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir(parents=True)
    elsewhere.mkdir(parents=True)
    flows = project / "site_flows.py"
    flows.write_text(FLOWS.read_text(encoding="utf-8"), encoding="utf-8")
    target = f"site_flows.py:{case.workflow}"
    inputs = json.dumps(case.inputs)
    if not case.stop_at:
        ran = waymark("run", target, "--input", inputs, database=database, cwd=project)
        instance = instance_of(ran.err.splitlines()[0])
    else:
        running = Background("run", target, "--input", inputs, database=database, cwd=project)
        instance = instance_of(running.wait_for(f"running {case.workflow} "))
        for text in case.stop_at:
            running.wait_for(text)
        running.interrupt()
        ran = running.finish()
    assert ran.code == case.code, ran.err
    flows.write_text(TRAP, encoding="utf-8")  # importing it now fails loudly
    for where in (project, elsewhere):
        drawn = waymark("graph", "--instance", instance, database=database, cwd=where)
        assert drawn.code == 0, drawn.err
    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    assert shown.code == 0, shown.err
    return Inspected(instance, drawn.out.replace(instance, "<instance>"), shown.json())


@pytest.mark.parametrize("name", list(CASES))
def test_instance_graph_matches_its_golden(
    name: str, inspected: Callable[[str], Inspected], update_goldens: bool
) -> None:
    dot = inspected(name).dot
    golden = GOLDENS / f"{name}.dot"
    if update_goldens:
        golden.write_text(dot, encoding="utf-8")
        return
    assert golden.exists(), f"no golden {golden.name}; run with --update-goldens"
    assert dot == golden.read_text(encoding="utf-8")


DONE, WAITING, FAILED, NOT_REACHED = "#b7e1c1", "#ffe0a3", "#f6b4b4", "#f5f5f5"


def test_a_loop_has_one_attempt_per_iteration_at_one_site(
    inspected: Callable[[str], Inspected],
) -> None:
    loops = inspected("loops")
    attempts = loops.shown["attempts"]
    assert [(a["site"], a["iteration"]) for a in attempts] == [
        ("run.1.body.0", [0]),
        ("run.1.body.0", [1]),
        ("run.1.body.0", [2]),
        ("run.3.body.0", [0]),
        ("run.3.body.0", [1]),
    ]
    colours = fills(loops.dot)
    assert colours["run.1.body.0"] == colours["run.3.body.0"] == DONE
    assert colours["run.4.body.0"] == NOT_REACHED  # a loop over nothing


def test_a_helper_called_twice_lands_on_its_inner_sites(
    inspected: Callable[[str], Inspected],
) -> None:
    helpers = inspected("helpers")
    attempts = helpers.shown["attempts"]
    assert [(a["site"], a["iteration"]) for a in attempts] == [
        ("twice.0", ["run.0"]),
        ("twice.1", ["run.0"]),
        ("twice.0", ["run.1"]),
        ("twice.1", ["run.1"]),
    ]
    colours = fills(helpers.dot)
    for node in ("run.0", "run.1", "twice.0", "twice.1"):
        assert colours[node] == DONE, node
    assert colours["run.2.then.0"] == NOT_REACHED


def test_a_pending_sleep_waits_and_finished_ones_are_done(
    inspected: Callable[[str], Inspected],
) -> None:
    sleeping = inspected("sleeping")
    sleeps = sleeping.shown["sleeps"]
    assert [(s["site"], s["iteration"], s["finished_at"] is None) for s in sleeps] == [
        ("run.0.body.0", [0], False),
        ("run.0.body.0", [1], False),
        ("run.2", [], True),
    ]
    colours = fills(sleeping.dot)
    assert (colours["run.0.body.0"], colours["run.1"]) == (DONE, DONE)
    assert colours["run.2"] == WAITING
    assert colours["run.3"] == NOT_REACHED


def test_failures_are_red_where_they_happened(inspected: Callable[[str], Inspected]) -> None:
    handled = fills(inspected("handled").dot)
    assert handled["run.0.body.0"] == FAILED  # both tries failed; the handler ran
    assert handled["run.0.h0.0"] == DONE
    assert handled["run.1"] == NOT_REACHED  # after the try: never reached
    failing = fills(inspected("failing").dot)
    assert (failing["run.0"], failing["run.1"], failing["run.2"]) == (DONE, FAILED, NOT_REACHED)
