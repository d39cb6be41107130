"""The persisted state's codec: states stored in format 1 (recorded with the format-1 code in
`state_v1/`) still resume, every format round-trips through JSON, and a document this runtime
cannot read is refused with `StateFormatError`, failing its instance only."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from waymark_runtime import ir
from waymark_runtime.effects import ActionFinished, Complete, Event, SleepFinished
from waymark_runtime.engine import ClaimedInstance, ProgramCache, step_instance
from waymark_runtime.interpreter import (
    STATE_VERSION,
    CallsWait,
    InstanceState,
    PendingCall,
    SleepWait,
    StateFormatError,
    advance,
    decode_state,
    encode_state,
)
from waymark_runtime.interpreter.persisted import WAIT_KINDS, JoinWait
from waymark_runtime.wrl import parse, version_of_canonical

FIXTURES = sorted((Path(__file__).parent / "state_v1").glob("*.json"))


def _fixture(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def _program(document: dict[str, Any]) -> ir.Workflow:
    parsed = parse(document["wrl"])
    programs = [parsed] if isinstance(parsed, ir.Workflow) else list(parsed)
    return next(p for p in programs if p.name == document["workflow"])


def _event(recorded: dict[str, Any]) -> Event:
    if recorded["kind"] == "sleep":
        return SleepFinished(node=recorded["node"])
    return ActionFinished(node=recorded["node"], attempt=recorded["attempt"],
                          ok=recorded["ok"], value=recorded["value"])  # fmt: skip


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_every_state_stored_in_format_1_resumes_as_it_did(path: Path) -> None:
    """Each recorded state, decoded from format 1 and fed the events the recording host fed
    it, gives the next recorded state (compared in the current format) and, at the end, the
    recorded outcome."""
    document = _fixture(path)
    program, steps = _program(document), document["steps"]
    outcome = None
    for step, following in itertools.pairwise(steps):
        assert step["state"]["v"] == 1
        state = decode_state(step["state"])
        after, effects = advance(program, state, [_event(e) for e in step["events"]])
        assert encode_state(after) == encode_state(decode_state(following["state"]))
        outcome = next((e.result for e in effects if isinstance(e, Complete)), outcome)
    assert document["outcome"]["ok"] and outcome == document["outcome"]["value"]


def test_format_1_fixtures_hold_each_kind_of_wait() -> None:
    states = [decode_state(s["state"]) for p in FIXTURES for s in _fixture(p)["steps"]]
    waits = [state.wait for state in states]
    assert any(isinstance(w, SleepWait) for w in waits)
    gathers = [w for w in waits if isinstance(w, CallsWait) and len(w.calls) > 1]
    assert any(c.attempt > 1 for w in gathers for c in w.calls)  # a retried call
    assert any(c.status == "ok" for w in gathers for c in w.calls)  # a settled call
    assert any(len(state.frames) > 1 for state in states)  # a helper's frame
    children = [c for w in waits if isinstance(w, CallsWait) for c in w.calls]
    assert any(c.target == "Doubler" for c in children)  # a child workflow call


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_the_current_format_round_trips_through_json_text(path: Path) -> None:
    for step in _fixture(path)["steps"]:
        state = decode_state(step["state"])
        document = encode_state(state)
        waits = [document["wait"], *(task["wait"] for task in document.get("tasks", ()))]
        shared = any(wait is not None and "shared" in wait for wait in waits)
        assert document["version"] == (STATE_VERSION if shared else 2)  # 2: nothing shared
        assert decode_state(json.loads(json.dumps(document))) == state


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"version": 99, "status": "running"}, "format 99 is unknown to this runtime"),
        ({"v": "1"}, "format '1' is unknown"),
        ({}, "format None is unknown"),
        ([1, 2], "is a JSON object, not list"),
        (None, "is a JSON object, not NoneType"),
        ({"v": 1, "status": "running"}, "malformed instance state"),
        ({"version": 2, "status": "paused"}, "status"),
        ({"version": 2, "frames": [{"function": "run"}]}, "frames.0.pc"),
        ({"version": 2, "wait": {"kind": "meteor"}}, "wait"),
        ({"version": 2, "wait": {"kind": "calls", "calls": [{"node": 1}], "pending": 1}}, "node"),
        ({"version": 2, "wait": {"kind": "join", "node": "n1", "shielded": [1]}}, "shielded"),
    ],
)
def test_a_document_this_runtime_cannot_read_is_a_state_format_error(
    document: Any, message: str
) -> None:
    with pytest.raises(StateFormatError, match=message):
        decode_state(document)


def test_an_unreadable_stored_state_fails_its_instance_with_a_clear_error() -> None:
    document = _fixture(FIXTURES[0])
    wrl = document["wrl"]
    claimed = ClaimedInstance(instance_id="i1", workflow=document["workflow"],
                              version=version_of_canonical(wrl), wrl=wrl,
                              inputs=document["inputs"], state={"version": 7, "frames": []},
                              events=[])  # fmt: skip
    commit = step_instance(claimed, ProgramCache(parse), 0.0, random.Random())
    assert commit.state == InstanceState(status="failed")
    assert commit.plan.outcome is not None and not commit.plan.outcome.ok
    error = commit.plan.outcome.value
    assert error["type"].endswith(":StateFormatError") and "format 7" in error["message"]


def test_a_step_reads_a_format_1_document_as_a_store_hands_it_over() -> None:
    document = _fixture(next(p for p in FIXTURES if p.stem == "child_call"))
    wrl, first = document["wrl"], document["steps"][0]
    claimed = ClaimedInstance(instance_id="i1", workflow=document["workflow"],
                              version=version_of_canonical(wrl), wrl=wrl,
                              inputs=document["inputs"], state=first["state"],
                              events=[_event(e) for e in first["events"]])  # fmt: skip
    commit = step_instance(claimed, ProgramCache(parse), 0.0, random.Random())
    assert commit.plan.outcome is None
    assert [a.action for a in commit.plan.actions] == ["tests.interpreter.state_flows:shout"]
    assert commit.plan.actions[0].args == ("got 42",)


def test_every_wait_kind_has_its_own_tag() -> None:
    """What `decode_state` tells the kinds apart by: a new kind with a taken tag is refused."""
    tags = [cls.__dataclass_fields__["kind"].default for cls in WAIT_KINDS]
    assert len(set(tags)) == len(tags) == len(WAIT_KINDS) and {"calls", "sleep"} <= set(tags)


def test_the_spelled_out_encoding_of_a_call_names_every_field() -> None:
    """`PendingCall` is encoded by hand (it is the hot record): a new field must appear there.
    A call without computed policy values leaves `policy` out."""
    computed = PendingCall(node="n1", item=0, target="m:f", args=(1,), kwargs={"k": 2},
                           policy={"attempts": 3, "timeout": 1.5})  # fmt: skip
    plain = PendingCall(node="n2", item=1, target="m:f", args=(), kwargs={})
    wait = CallsWait(calls=(computed, plain), pending=2)
    document = encode_state(InstanceState(wait=wait))
    first, second = document["wait"]["calls"]
    assert list(first) == [field.name for field in dataclasses.fields(PendingCall)]
    assert "policy" not in second
    assert decode_state(document).wait == wait


def test_a_shielded_join_keeps_its_flag_and_an_older_join_reads_as_not_shielded() -> None:
    """`await asyncio.shield(t)` waits on a `JoinWait` with `shielded`, written only when set:
    a join stored before the flag existed reads back as a plain (not shielded) join."""
    shielded = InstanceState(wait=JoinWait(node="n1", shielded=True))
    document = encode_state(shielded)
    assert document["wait"] == {"kind": "join", "node": "n1", "shielded": True}
    assert decode_state(json.loads(json.dumps(document))) == shielded
    plain = encode_state(InstanceState(wait=JoinWait(node="n1")))
    assert plain["wait"] == {"kind": "join", "node": "n1"}
    assert decode_state(plain).wait == JoinWait(node="n1", shielded=False)
