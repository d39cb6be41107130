"""`waymark graph --instance ID`: the instance's own program, each node filled by its status."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
from runtime_support import (
    assert_plain,
    database,
    fills,
    instance_of,
    project,
    server,
    waymark,
)

from tests.requirements import needs_dot

__all__ = ["database", "project", "server"]

DONE, FAILED, NOT_REACHED, PLAIN = "#b7e1c1", "#f6b4b4", "#f5f5f5", "#ffffff"


def test_a_branch_not_taken_is_not_reached(database: str, project: Path) -> None:
    inputs = json.dumps({"record": str(project / "record.txt"), "flag": False})
    ran = waymark("run", "flows.py:Branchy", "--input", inputs, database=database, cwd=project)
    assert ran.code == 0, ran.err
    instance = instance_of(ran.err.splitlines()[0])

    drawn = waymark("graph", "--instance", instance, database=database, cwd=project)
    assert drawn.code == 0, drawn.err
    assert f"instance {instance}: completed" in drawn.out
    colours = fills(drawn.out)
    assert colours["run.0.then.0"] == NOT_REACHED  # step(record, "yes")
    assert colours["run.1"] == DONE  # step(record, "no")
    assert colours["run.0"] == DONE  # the `if` itself ran: every path to run.1 passes it
    assert colours["run.start"] == colours["run.end"] == DONE


def test_a_failed_action_is_red(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    ran = waymark("run", "flows.py:Gated", "--input", json.dumps({"gate": str(gate)}),
                  database=database, cwd=project)  # fmt: skip
    assert ran.code == 1
    instance = instance_of(ran.err.splitlines()[0])

    dot = waymark("graph", "--instance", instance, database=database, cwd=project).out
    colours = fills(dot)
    assert colours["run.0"] == FAILED  # check_gate(gate)
    assert colours["run.end"] == PLAIN  # an end never reached has no status to claim
    assert colours["run.start"] == DONE


@needs_dot
def test_an_instance_graph_renders_to_svg(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    ran = waymark("run", "flows.py:Gated", "--input", json.dumps({"gate": str(gate)}),
                  database=database, cwd=project)  # fmt: skip
    instance = instance_of(ran.err.splitlines()[0])
    drawn = waymark("graph", "flows.py", "--workflow", "Gated", "--instance", instance,
                    "-o", "gated.svg", database=database, cwd=project)  # fmt: skip
    assert drawn.code == 0, drawn.err
    svg = (project / "gated.svg").read_text()
    assert "<svg" in svg and FAILED in svg


def test_instance_errors(database: str, project: Path) -> None:
    inputs = json.dumps({"record": str(project / "record.txt")})
    ran = waymark("run", "flows.py:Steps", "--input", inputs, database=database, cwd=project)
    instance = instance_of(ran.err.splitlines()[0])
    other = waymark("graph", "--workflow", "Gated", "--instance", instance, database=database,
                    cwd=project)  # fmt: skip
    assert other.code == 2
    assert f"instance {instance} runs Steps, not Gated" in other.err
    missing = waymark("graph", "--instance", "0f4c4e9a-4b7e-4d8e-9c55-3f2b8c1e0a11",
                      database=database, cwd=project)  # fmt: skip
    assert missing.code == 2
    assert "no instance 0f4c4e9a-4b7e-4d8e-9c55-3f2b8c1e0a11" in missing.err
    assert_plain(missing.err)


def test_an_instance_whose_stored_program_does_not_parse_says_so(
    database: str, project: Path
) -> None:
    inputs = json.dumps({"record": str(project / "record.txt"), "flag": True})
    ran = waymark("run", "flows.py:Branchy", "--input", inputs, database=database, cwd=project)
    assert ran.code == 0, ran.err
    instance = instance_of(ran.err.splitlines()[0])

    async def corrupt() -> None:
        connection = await asyncpg.connect(database)
        try:
            await connection.execute(
                "UPDATE waymark_workflow_versions SET wrl = 'wrl 2\n\nworkflow (' "
                "WHERE version = (SELECT version FROM waymark_instances WHERE id = $1)",
                instance,
            )
        finally:
            await connection.close()

    asyncio.run(corrupt())
    drawn = waymark("graph", "--instance", instance, database=database, cwd=project)
    assert drawn.code == 1
    assert f"the program of instance {instance} (workflow Branchy" in drawn.err
    assert "cannot be drawn: the stored text does not parse" in drawn.err
    assert f"waymark instances show {instance}" in drawn.err
