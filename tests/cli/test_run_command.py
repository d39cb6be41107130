"""`waymark run` end to end: a real database, a runner and worker processes inside the command,
the result on stdout, progress on stderr as plain lines when stderr is not a terminal."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from runtime_support import (
    ROOT,
    Background,
    Server,
    assert_plain,
    database,
    embedded,
    instance_of,
    line_of,
    project,
    records,
    server,
    waymark,
)

__all__ = ["database", "project", "server"]

QUICKSTART = ["examples/welcome_email.py:WelcomeEmailWorkflow", "--input",
              '{"user_ids": ["u1", "u2", "u3"]}']  # fmt: skip
WELCOMED = [{"to": f"u{n}@example.com", "delivered": True} for n in (1, 2, 3)]


def test_the_quick_start_command_prints_the_result(database: str) -> None:
    result = waymark("run", *QUICKSTART, database=database, cwd=ROOT)
    assert result.code == 0, result.err
    assert json.loads(result.out) == WELCOMED
    assert_plain(result.err)
    lines = result.err.splitlines()
    assert lines[0].startswith("running WelcomeEmailWorkflow ")
    assert any("fetch_users" in line and "done" in line for line in lines)
    assert sum("send_email" in line and "done" in line for line in lines) == 3


def test_the_quick_start_uses_the_embedded_database(server: Server) -> None:
    """No WAYMARK_DATABASE_URL: the embedded server under WAYMARK_HOME, with its own `waymark`
    database (the booted test server is reused when there is one: booting costs seconds)."""
    with contextlib.ExitStack() as stack:
        home = server.home or stack.enter_context(embedded()).home
        result = waymark("run", *QUICKSTART, database=None, cwd=ROOT, WAYMARK_HOME=str(home))
    assert result.code == 0, result.err
    assert json.loads(result.out) == WELCOMED


def test_quiet_prints_only_the_result(database: str, project: Path) -> None:
    record = project / "record.txt"
    result = waymark("run", "flows.py:Steps", "-q", "--input", json.dumps({"record": str(record)}),
                     database=database, cwd=project)  # fmt: skip
    assert (result.code, json.loads(result.out)) == (0, ["FIRST", "SECOND", "THIRD"])
    assert result.err == ""


def test_a_failed_workflow_exits_1_with_its_error(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    result = waymark("run", "flows.py:Gated", "--input", json.dumps({"gate": str(gate)}),
                     database=database, cwd=project)  # fmt: skip
    assert result.code == 1
    assert result.out == ""
    assert "failed: PermissionError: the gate is closed" in result.err
    assert "waymark instances show " in result.err
    assert_plain(result.err)


def test_the_class_deadline_applies_to_a_run(database: str, project: Path) -> None:
    result = waymark("run", "flows.py:Patient", "--input", '{"seconds": 60}',
                     database=database, cwd=project)  # fmt: skip
    assert result.code == 1
    assert "WorkflowTimeout" in result.err and "passed its deadline" in result.err


def test_ctrl_c_keeps_the_instance_and_resume_finishes_it(database: str, project: Path) -> None:
    record = project / "record.txt"
    inputs = json.dumps({"record": str(record), "pause": 2})
    running = Background("run", "flows.py:Steps", "--input", inputs, database=database,
                         cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for("running Steps "))
    running.wait_for(f" n2 line {line_of('second = await')}")  # the second action runs
    running.interrupt()
    interrupted = running.finish()
    assert interrupted.code == 130, interrupted.err
    assert f"waymark run flows.py --resume {instance}" in interrupted.err
    assert interrupted.out == ""
    # the interrupt is reported as such, not as an error, and the attempt that finished while
    # the command stopped is shown finished, not left as running
    assert f"interrupted: instance {instance} is kept" in interrupted.err
    assert "error:" not in interrupted.err
    second = [line for line in interrupted.err.splitlines() if " n2 " in line]
    assert second and "done in" in second[-1], interrupted.err

    resumed = waymark("run", "flows.py", "--resume", instance, database=database, cwd=project)
    assert resumed.code == 0, resumed.err
    assert json.loads(resumed.out) == ["FIRST", "SECOND", "THIRD"]
    done = records(record)
    assert done.count("end first") == 1  # a completed action is never run again
    assert done.count("end third") == 1


def test_resume_of_a_finished_instance_prints_its_result(database: str, project: Path) -> None:
    record = project / "record.txt"
    first = waymark("run", "flows.py:Steps", "--input", json.dumps({"record": str(record)}),
                    database=database, cwd=project)  # fmt: skip
    instance = instance_of(first.err.splitlines()[0])
    again = waymark("run", "--resume", instance, database=database, cwd=project)
    assert (again.code, again.out) == (0, first.out)
    assert records(record).count("end first") == 1


def test_resume_of_an_unknown_instance_is_a_usage_error(database: str, project: Path) -> None:
    missing = "0f4c4e9a-4b7e-4d8e-9c55-3f2b8c1e0a11"
    result = waymark("run", "--resume", missing, database=database, cwd=project)
    assert result.code == 2
    assert f"error: no instance {missing}" in result.err
    assert_plain(result.err)


def test_resume_after_the_command_was_killed(database: str, project: Path) -> None:
    """SIGKILL leaves the lease held: the resume says so and continues once it lapses."""
    record = project / "record.txt"
    inputs = json.dumps({"record": str(record), "pause": 3})
    running = Background("run", "flows.py:Steps", "--input", inputs, database=database,
                         cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for("running Steps "))
    running.wait_for(f" n2 line {line_of('second = await')}")
    running.process.kill()  # its workers die with it (they ask Linux to)
    running.finish()
    assert records(record)[:2] == ["start first", "end first"]
    assert "end second" not in records(record)  # killed mid-action
    time.sleep(2.5)  # past its 2 s lease: nothing renews it now
    shown = waymark("instances", "show", instance, database=database, cwd=project).out
    assert "status       running" in shown and "(lease lapsed at " in shown, shown
    resumed = waymark("run", "flows.py", "--resume", instance, database=database, cwd=project)
    assert resumed.code == 0, resumed.err
    assert f"instance {instance} is held by runner" in resumed.err
    # The lost attempt of `second` is run again (at least once), `first` never.
    assert records(record).count("end first") == 1
    assert records(record)[-1] == "end third"
    shown = waymark("instances", "show", instance, database=database, cwd=project).out
    [second] = [line for line in shown.splitlines() if line.startswith("n2 ")]
    # Lost with its runner, not its worker: orphaned (as the dashboard says)
    assert " 1 (orphaned 1\u00d7) " in second and "completed" in second, shown


def test_the_result_prints_nan_infinity_and_surrogates_faithfully(
    database: str, tmp_path: Path
) -> None:
    (tmp_path / "odd.py").write_text(
        "from waymark import Workflow, workflow\n\n\n@workflow\nclass Odd(Workflow):\n"
        "    async def run(self) -> list[object]:\n"
        "        return [float('nan'), -float('inf'), 'a\\ud800b', {'k': float('inf')}]\n",
        encoding="utf-8",
    )
    result = waymark("run", "odd.py", "-q", database=database, cwd=tmp_path)
    assert result.code == 0, result.err
    assert "\ufffd" not in result.out and '"a\\ud800b"' in result.out
    shown = json.loads(result.out)
    assert shown[0] != shown[0] and shown[1:] == [-float("inf"), "a\ud800b", {"k": float("inf")}]
