"""`waymark instances signal ID NAME --payload JSON` against a real database, with a waiting
instance run by `waymark run` in the same test; every refusal is a clear error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from runtime_support import Background, database, fills, instance_of, server, waymark

__all__ = ["database", "server"]

APPROVALS = """\
from datetime import timedelta

from pydantic import BaseModel

from waymark import SignalTimeout, Workflow, action, workflow


class Decision(BaseModel):
    approved: bool


@action
async def notify(label: str) -> str:
    return label


@workflow
class Approval(Workflow):
    async def run(self, label: str) -> str:
        await notify(label)
        try:
            decision = await self.wait_for_signal("decision", Decision, timeout=timedelta(hours=1))
        except SignalTimeout:
            return "escalated"
        return "approved" if decision.approved else "rejected"


@workflow
class Hold(Workflow):
    async def run(self, label: str) -> str:
        await notify(label)
        decision = await self.wait_for_signal("decision", Decision)
        return "approved" if decision.approved else "rejected"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "approvals.py").write_text(APPROVALS, encoding="utf-8")
    return tmp_path


def signal(database: str, project: Path, *args: str, module: bool = True) -> object:
    extra = {"WAYMARK_USER_MODULE": "approvals"} if module else {}
    return waymark("instances", "signal", *args, database=database, cwd=project, **extra)


def test_a_signal_from_the_shell_resumes_a_waiting_instance(database: str, project: Path) -> None:
    running = Background("run", "approvals.py:Approval", "--input", '{"label": "e1"}',
                         database=database, cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for("running Approval "))
    for _ in range(500):  # until the wait is recorded
        shown = waymark("instances", "show", instance, "--format", "json", database=database,
                        cwd=project)  # fmt: skip
        if any(s["kind"] == "wait" for s in shown.json().get("signals", [])):
            break

    bad_json = signal(database, project, instance, "decision", "--payload", "{approved: true}")
    assert (bad_json.code, "the payload is not JSON" in bad_json.err) == (2, True), bad_json.err
    unknown = signal(database, project, instance, "decisoin", "--payload", "{}")
    assert unknown.code == 2 and "never waits for a signal named 'decisoin'" in unknown.err
    assert "did you mean 'decision'?" in unknown.err
    wrong = signal(database, project, instance, "decision", "--payload", '{"approved": "maybe"}')
    assert wrong.code == 2 and "does not match its type Decision" in wrong.err, wrong.err
    no_types = signal(database, project, instance, "decision", "--payload", "{}", module=False)
    assert no_types.code == 1 and "WAYMARK_USER_MODULE" in no_types.err, no_types.err
    assert "Traceback" not in bad_json.err + unknown.err + wrong.err + no_types.err

    sent = signal(database, project, instance, "decision", "--payload", '{"approved": true}')
    assert sent.code == 0, sent.err
    assert f"sent signal 'decision' to {instance}" in sent.err
    ended = running.finish()
    assert ended.code == 0, ended.err
    assert json.loads(ended.out) == "approved"

    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    [wait, sent_signal] = shown.json()["signals"]
    assert (wait["kind"], wait["pending"]) == ("wait", False)
    assert (sent_signal["kind"], sent_signal["payload"]) == ("signal", {"approved": True})
    text = waymark("instances", "show", instance, database=database, cwd=project)
    assert "'decision'" in text.out and "taken by n2" in text.out, text.out

    late = signal(database, project, instance, "decision", "--payload", '{"approved": false}')
    assert late.code == 1 and "already finished (completed)" in late.err


DONE, WAITING, FAILED, PLAIN = "#b7e1c1", "#ffe0a3", "#f6b4b4", "#ffffff"


def wait_recorded(database: str, project: Path, instance: str) -> None:
    for _ in range(500):
        shown = waymark("instances", "show", instance, "--format", "json", database=database,
                        cwd=project)  # fmt: skip
        if any(s["kind"] == "wait" for s in shown.json().get("signals", [])):
            return
    raise AssertionError(f"instance {instance} never waited")


def drawn(database: str, project: Path, instance: str) -> tuple[str, dict[str, str]]:
    """The wait's node and the fill of every node in `waymark graph --instance`."""
    dot = waymark("graph", "--instance", instance, database=database, cwd=project).out
    [wait] = re.findall(r'^\s*"([^"]+)" \[label="decision = wait for signal', dot, re.MULTILINE)
    return wait, fills(dot)


@pytest.mark.parametrize("workflow", ["Approval", "Hold"])  # a wait with a timeout, one without
@pytest.mark.parametrize(
    ("steer", "wait_then", "code"),
    [(("signal", "decision", "--payload", '{"approved": true}'), DONE, 0),
     (("cancel",), FAILED, 1)],
    ids=["answered", "cancelled"],
)  # fmt: skip
def test_the_graph_draws_a_signal_wait_as_it_stands(
    database: str, project: Path, workflow: str, steer: tuple[str, ...], wait_then: str, code: int
) -> None:
    running = Background("run", f"approvals.py:{workflow}", "--input", '{"label": "g1"}',
                         database=database, cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for(f"running {workflow} "))
    wait_recorded(database, project, instance)
    wait, colours = drawn(database, project, instance)
    assert colours[wait] == WAITING, colours  # not drawn done, nor what follows it
    assert colours["run.2"] == colours["run.end"] == PLAIN, colours  # the return

    steered = waymark("instances", steer[0], instance, *steer[1:], database=database,
                      cwd=project, WAYMARK_USER_MODULE="approvals")  # fmt: skip
    assert steered.code == 0, steered.err
    assert running.finish().code == code
    wait, colours = drawn(database, project, instance)
    assert colours[wait] == wait_then, colours
    assert colours["run.2"] == colours["run.end"] == (DONE if code == 0 else PLAIN), colours


def test_unknown_and_malformed_ids_are_usage_errors(database: str, project: Path) -> None:
    unknown = signal(database, project, "00000000-0000-0000-0000-000000000000", "decision")
    assert unknown.code == 2 and "no instance" in unknown.err
    malformed = signal(database, project, "nope", "decision")
    assert malformed.code == 2 and "not an instance id" in malformed.err


def test_a_send_id_keeps_a_signal_sent_again_once(database: str, project: Path) -> None:
    running = Background("run", "approvals.py:Hold", "--input", '{"label": "e3"}',
                         database=database, cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for("running Hold "))
    wait_recorded(database, project, instance)

    payload = ("--payload", '{"approved": true}')
    first = signal(database, project, instance, "decision", *payload, "--send-id", "k1")
    assert first.code == 0, first.err
    ended = running.finish()
    assert (ended.code, json.loads(ended.out)) == (0, "approved"), ended.err
    again = signal(database, project, instance, "decision", *payload, "--send-id", "k1")
    assert again.code == 0, again.err  # the same send, made again: nothing more is kept
    other = signal(database, project, instance, "decision", "--payload", '{"approved": false}',
                   "--send-id", "k1")  # fmt: skip
    assert other.code != 0 and "send id 'k1' was used for another signal" in other.err, other.err
    assert "Traceback" not in other.err

    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    sent = [s for s in shown.json()["signals"] if s["kind"] == "signal"]
    assert [s["payload"] for s in sent] == [{"approved": True}]


def test_show_gives_a_wait_s_timeout_as_the_wait_s_not_as_a_sleep(
    database: str, project: Path
) -> None:
    running = Background("run", "approvals.py:Approval", "--input", '{"label": "t1"}',
                         database=database, cwd=project)  # fmt: skip
    instance = instance_of(running.wait_for("running Approval "))
    wait_recorded(database, project, instance)
    text = waymark("instances", "show", instance, database=database, cwd=project).out
    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project).json()  # fmt: skip
    assert waymark("instances", "cancel", instance, database=database, cwd=project).code == 0
    running.finish()

    [wait] = shown["signals"]
    assert shown["sleeps"] == [] and wait["times_out_at"] is not None, shown
    times_out = wait["times_out_at"].replace("T", " ")[:19]
    row = f"waiting {wait['node']} for signal 'decision' (times out at {times_out} UTC)"
    assert row in " ".join(text.split()), text
    assert "sleeping" not in text, text
