"""`waymark instances list|show|cancel|retry|requeue` against a real database, with instances made by
`waymark run` in the same test."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from runtime_support import (
    Background,
    Completed,
    assert_plain,
    database,
    instance_of,
    line_of,
    project,
    records,
    server,
    waymark,
)

__all__ = ["database", "project", "server"]


def run(database: str, project: Path, target: str, **inputs: object) -> tuple[str, Completed]:
    """`waymark run` to the end; returns the instance id and the outcome."""
    result = waymark("run", target, "--input", json.dumps(inputs), database=database, cwd=project)
    return instance_of(result.err.splitlines()[0]), result


def test_list_and_show(database: str, project: Path) -> None:
    record = project / "record.txt"
    instance, result = run(database, project, "flows.py:Steps", record=str(record))
    assert result.code == 0, result.err

    listed = waymark("instances", "list", "--workflow", "Steps", "--format", "json",
                     database=database, cwd=project)  # fmt: skip
    assert listed.code == 0, listed.err
    [row] = [row for row in listed.json() if row["id"] == instance]
    assert (row["workflow"], row["status"], row["attempts"]) == ("Steps", "completed", 3)

    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    assert shown.code == 0, shown.err
    detail = shown.json()
    assert detail["inputs"] == {"record": str(record)}
    assert detail["result"] == ["FIRST", "SECOND", "THIRD"]
    attempts = detail["attempts"]
    assert [a["args"][1] for a in attempts] == ["first", "second", "third"]
    assert [a["result"] for a in attempts] == ["FIRST", "SECOND", "THIRD"]
    lines = [line_of(f"{name} = await step") for name in ("first", "second", "third")]
    assert [a["line"] for a in attempts] == lines  # where each call is in flows.py
    assert [a["site"] for a in attempts] == ["run.0", "run.1", "run.2"]
    assert all(a["started_at"] and a["finished_at"] for a in attempts)

    text = waymark("instances", "show", instance, database=database, cwd=project)
    assert text.code == 0, text.err
    assert_plain(text.out)
    second = f"line {lines[1]}: second = step(record,"
    for fragment in ("status    completed", '"FIRST"', second):
        assert fragment in text.out


def test_list_filters_and_limits(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    failed, result = run(database, project, "flows.py:Gated", gate=str(gate))
    assert result.code == 1
    listed = waymark("instances", "list", "--status", "failed", "--limit", "1",
                     database=database, cwd=project)  # fmt: skip
    assert listed.code == 0, listed.err
    assert failed in listed.out and "Gated" in listed.out and "failed" in listed.out
    assert len(listed.out.strip().splitlines()) == 2  # a header and one row
    assert_plain(listed.out)
    none = waymark("instances", "list", "--workflow", "Nope", database=database, cwd=project)
    assert (none.code, none.out, none.err.strip()) == (0, "", "no instances")


def test_cancel_stops_a_running_instance(database: str, project: Path) -> None:
    record = project / "record.txt"
    inputs = json.dumps({"record": str(record), "pause": 30})
    running = Background("run", "flows.py:Steps", "--input", inputs, database=database,
                         cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for("running Steps "))
    running.wait_for(f" n2 line {line_of('second = await')}")  # the 30 s action is running
    started = time.monotonic()
    cancelled = waymark("instances", "cancel", instance, database=database, cwd=project)
    assert cancelled.code == 0, cancelled.err
    assert f"cancelled {instance}" in cancelled.err

    ended = running.finish()
    assert ended.code == 1
    assert f"instance {instance} was cancelled: WorkflowCancelled" in ended.err
    assert time.monotonic() - started < 25  # not after the action's 30 s
    assert "end third" not in records(record)  # nothing runs after a cancel

    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    detail = shown.json()
    assert detail["status"] == "cancelled"
    assert detail["error"]["exception"] == "WorkflowCancelled"
    assert detail["attempts"][1]["status"] == "failed"  # the open attempt ends with it

    again = waymark("instances", "cancel", instance, database=database, cwd=project)
    assert again.code == 0, again.err  # made again (its answer lost, say): nothing changes
    assert f"cancelled {instance}" in again.err
    shown_again = waymark("instances", "show", instance, "--format", "json", database=database,
                          cwd=project)  # fmt: skip
    assert shown_again.json()["error"] == detail["error"]


def test_retry_reruns_a_failed_instance_on_the_latest_version(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    failed, result = run(database, project, "flows.py:Gated", gate=str(gate))
    assert result.code == 1
    # A fixed version of the workflow reaches the database (it fails too: the gate is shut).
    source = project / "flows.py"
    source.write_text(source.read_text().replace('f"gate {state}"', 'f"gate {state}, fixed"'))
    newer, result = run(database, project, "flows.py:Gated", gate=str(gate))
    assert result.code == 1

    retried = waymark("instances", "retry", failed, "--format", "json", database=database,
                      cwd=project)  # fmt: skip
    assert retried.code == 0, retried.err
    retry = retried.json()
    assert retry["retry_of"] == failed and retry["id"] != failed and retry["created"]
    again = waymark("instances", "retry", failed, database=database, cwd=project)
    assert again.code == 0, again.err
    assert again.out.strip() == retry["id"]  # made once: the second run names the first's
    assert f"{failed} was restarted already, as {retry['id']}" in again.err
    versions = {
        instance: waymark("instances", "show", instance, "--format", "json",
                          database=database, cwd=project).json()["version"]
        for instance in (failed, newer, retry["id"])
    }  # fmt: skip
    assert versions[retry["id"]] == versions[newer] != versions[failed]

    gate.unlink()
    resumed = waymark("run", "flows.py", "--resume", retry["id"], database=database,
                      cwd=project)  # fmt: skip
    assert resumed.code == 0, resumed.err
    assert json.loads(resumed.out) == "gate open, fixed"

    done = waymark("instances", "retry", retry["id"], database=database, cwd=project)
    assert done.code == 1
    assert "is completed; only failed or cancelled instances can be retried" in done.err


def test_unknown_and_malformed_ids_are_usage_errors(database: str, project: Path) -> None:
    missing = "0f4c4e9a-4b7e-4d8e-9c55-3f2b8c1e0a11"
    for command in ("show", "cancel", "retry"):
        result = waymark("instances", command, missing, database=database, cwd=project)
        assert result.code == 2, (command, result.err)
        assert f"error: no instance {missing}" in result.err
        assert_plain(result.err)
    malformed = waymark("instances", "show", "12", database=database, cwd=project)
    assert malformed.code == 2
    assert "not an instance id: '12'" in malformed.err
    huge = waymark("instances", "list", "--limit", str(10**20), database=database, cwd=project)
    assert huge.code == 2
    assert f"error: limit must be at most 10,000, got {10**20}" in huge.err


def test_inspection_and_resume_import_nothing_the_stored_program_names(
    database: str, project: Path
) -> None:
    gate = project / "gate"
    gate.touch()
    failed, result = run(database, project, "flows.py:Gated", gate=str(gate))
    assert result.code == 1
    retried = waymark("instances", "retry", failed, "--format", "json", database=database,
                      cwd=project)  # fmt: skip
    queued = retried.json()["id"]
    # From now on, importing the module the program's actions live in leaves a mark.
    imported = project / "imported"
    source = project / "flows.py"
    source.write_text(f"{source.read_text()}\nopen({str(imported)!r}, 'w').close()\n")

    for instance in (failed, queued):
        shown = waymark("instances", "show", instance, database=database, cwd=project)
        assert shown.code == 0, shown.err
        drawn = waymark("graph", "--instance", instance, database=database, cwd=project)
        assert drawn.code == 0, drawn.err
    resumed = waymark("run", "--resume", queued, database=database, cwd=project)
    assert resumed.code == 2
    assert f"resuming instance {queued} needs the file that defines Gated" in resumed.err
    assert f"waymark run FILE --resume {queued}" in resumed.err
    assert not imported.exists()


def test_requeue_and_pages_of_the_list(database: str, project: Path) -> None:
    gate = project / "gate"
    gate.touch()
    failed, result = run(database, project, "flows.py:Gated", gate=str(gate))
    assert result.code == 1
    retried = waymark("instances", "retry", failed, "--format", "json", database=database,
                      cwd=project).json()["id"]  # fmt: skip
    # Requeueing the queued retry cancels it first: the two never run side by side.
    requeued = waymark("instances", "requeue", retried, "--format", "json", database=database,
                       cwd=project)  # fmt: skip
    assert requeued.code == 0, requeued.err
    new = requeued.json()
    assert new["requeue_of"] == retried and new["id"] not in (failed, retried)

    def show(instance: str) -> dict[str, Any]:
        shown = waymark("instances", "show", instance, "--format", "json", database=database,
                        cwd=project)  # fmt: skip
        detail: dict[str, Any] = shown.json()
        return detail

    old = show(retried)
    assert old["status"] == "cancelled"
    assert old["error"] == {"exception": "WorkflowCancelled",
                            "message": f"requeued as instance {new['id']}"}  # fmt: skip
    assert (show(new["id"])["status"], show(new["id"])["inputs"]) == ("queued", {"gate": str(gate)})

    first = waymark("instances", "list", "--workflow", "Gated", "--limit", "2",
                    database=database, cwd=project)  # fmt: skip
    assert first.code == 0, first.err
    assert new["id"] in first.out and retried in first.out and "cancelled" in first.out
    found = re.search(r"more with `--after (\S+)`", first.err)
    assert found is not None, first.err
    second = waymark("instances", "list", "--workflow", "Gated", "--limit", "2", "--after",
                     found.group(1), "--format", "json", database=database, cwd=project)  # fmt: skip
    assert second.code == 0, second.err
    assert second.json()[0]["id"] == failed

    bad = waymark("instances", "list", "--after", "nope", database=database, cwd=project)
    assert bad.code == 2
    assert "error: not a cursor of this listing: 'nope'" in bad.err


def test_show_and_list_link_parents_and_children(database: str, project: Path) -> None:
    record = project / "record.txt"
    root, result = run(database, project, "flows.py:Tree", record=str(record), depth=2)
    assert result.code == 0, result.err
    assert records(record).count("end leaf") == 4  # `waymark run` ran the whole tree

    listed = waymark("instances", "list", "--parent", root, "--format", "json",
                     database=database, cwd=project)  # fmt: skip
    assert listed.code == 0, listed.err
    children = listed.json()
    assert [(c["workflow"], c["status"]) for c in children] == [("Tree", "completed")] * 2

    shown = waymark("instances", "show", children[0]["id"], "--format", "json",
                    database=database, cwd=project)  # fmt: skip
    detail = shown.json()
    assert detail["parent_id"] == root and len(detail["children"]) == 2
    text = waymark("instances", "show", root, database=database, cwd=project)
    assert text.code == 0, text.err
    assert text.out.count("child") >= 2 and children[0]["id"] in text.out
