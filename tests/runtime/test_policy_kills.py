"""Call policies (retry, backoff, timeout) across the deaths of worker processes.

A worker SIGKILLed mid-attempt is a lost attempt: it runs again without spending the call's
`RetryPolicy.attempts`, and the executions after it still follow the policy (as many as
`attempts`, each retry no sooner than its backoff). A call's own `timeout=` fails each attempt
once: two attempts of a call that always outlasts it run exactly twice, a backoff apart. A
worker killed while it runs the one execution an action's `concurrency=1` allows gives the
slot back: the attempt runs again, the others after it, never two at once.
"""

from __future__ import annotations

import collections
import os
import signal
from pathlib import Path

import pytest

from tests.runtime import policy_flows as flows
from tests.runtime.test_faults import results, start_workers, submit, wait_for
from tests.runtime.test_steering_faults import rows

pytestmark = pytest.mark.fault
MODULE = "tests.runtime.policy_flows"


def _starts(record: Path, key: str) -> list[float]:
    lines = record.read_text().splitlines() if record.exists() else []
    return [float(at) for found, at in (line.split() for line in lines) if found == key]


async def _attempts(database: str, instance: str) -> list[tuple[str, int, int]]:
    found = await rows(database, "SELECT status, lost_count, orphaned_count FROM waymark_attempts"
                       " WHERE instance_id = $1 ORDER BY attempt", instance)  # fmt: skip
    return [(row["status"], row["lost_count"], row["orphaned_count"]) for row in found]


@pytest.mark.parametrize(
    ("fails", "expected"), [(1, "s1"), (2, "gave up: s2 failed")], ids=["succeeds", "gives-up"]
)
async def test_a_worker_killed_mid_attempt_spends_no_attempt_of_the_policy(
    database: str, tmp_path: Path, fails: int, expected: str
) -> None:
    record = tmp_path / "executions.log"
    key = f"s{fails}"
    [instance] = await submit(database, [(flows.DiesThenRetries, (key, fails))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
        [outcome] = await results(database, [instance], timeout=40)
    assert outcome == expected
    starts = _starts(record, key)
    assert len(starts) == 3, starts  # the lost one, then the policy's two attempts
    assert starts[2] - starts[1] >= flows.BACKOFF, starts
    attempts = await _attempts(database, instance)
    assert [lost for _, lost, _ in attempts] == [1, 0], attempts
    assert [orphaned for _, _, orphaned in attempts] == [0, 0], attempts


async def test_a_call_that_outlasts_its_timeout_runs_once_per_attempt(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    [instance] = await submit(database, [(flows.TimesOutTwice, ("t",))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
        [outcome] = await results(database, [instance], timeout=40)
    assert outcome == "timed out: t"
    starts = _starts(record, "t")
    assert len(starts) == 2, starts
    found = await rows(database, "SELECT status, lost_count, started_at, finished_at"
                       " FROM waymark_attempts WHERE instance_id = $1 ORDER BY attempt", instance)  # fmt: skip
    assert [(row["status"], row["lost_count"]) for row in found] == [("failed", 0)] * 2
    first, second = found
    assert (first["finished_at"] - first["started_at"]).total_seconds() >= 1.0
    assert (second["started_at"] - first["finished_at"]).total_seconds() >= flows.BACKOFF


def _overlap(lines: list[str]) -> int:
    """The most executions open at once, in the order of the record (`killed` ends them all)."""
    open_now: set[str] = set()
    peak = 0
    for line in lines:
        kind, *rest = line.split()
        if kind == "start":
            open_now.add(rest[0])
        elif kind == "end":
            open_now.discard(rest[0])
        else:
            open_now.clear()
        peak = max(peak, len(open_now))
    return peak


async def test_a_worker_killed_holding_an_action_s_only_slot_gives_it_back(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    keys = ["k0", "k1", "k2"]
    ids = await submit(database, [(flows.Alone, (key, 1.0)) for key in keys])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
        await wait_for(lambda: record.exists() and "start" in record.read_text(), 25, "a start")
        first_line = record.read_text().splitlines()[0]
        _, killed_key, pid = first_line.split()
        os.kill(int(pid), signal.SIGKILL)
        with record.open("a") as file:
            file.write("killed\n")
        outcome = await results(database, ids, timeout=40)
    assert outcome == keys
    lines = record.read_text().splitlines()
    assert _overlap(lines) == 1, lines
    starts = collections.Counter(line.split()[1] for line in lines if line.startswith("start"))
    assert starts == {key: 2 if key == killed_key else 1 for key in keys}, lines
    found = await rows(database, "SELECT args->>0 AS key, lost_count, status FROM waymark_attempts"
                       " WHERE instance_id = ANY($1::uuid[])", ids)  # fmt: skip
    assert sorted((row["key"], row["lost_count"], row["status"]) for row in found) == [
        (key, int(key == killed_key), "completed") for key in keys
    ]


async def test_an_attempt_blocking_its_worker_past_its_timeout_fails_once_and_is_retried(
    database: str, tmp_path: Path
) -> None:
    """The watchdog kills a worker whose attempt blocks its event loop past the timeout: that
    attempt fails with `ActionTimeout` once (the policy's retry runs it again), and is not
    also counted lost."""
    record = tmp_path / "executions.log"
    [instance] = await submit(database, [(flows.BlocksPastItsTimeout, ("b",))])
    with start_workers(database, record, WAYMARK_USER_MODULE=MODULE):
        [outcome] = await results(database, [instance], timeout=40)
    assert outcome == "b"
    assert len(_starts(record, "b")) == 2
    found = await rows(database, "SELECT status, lost_count, error::text AS error"
                       " FROM waymark_attempts WHERE instance_id = $1 ORDER BY attempt", instance)  # fmt: skip
    assert [(row["status"], row["lost_count"]) for row in found] == [
        ("failed", 0),
        ("completed", 0),
    ]
    assert "ActionTimeout" in found[0]["error"]
