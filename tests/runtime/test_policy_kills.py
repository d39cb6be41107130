"""Call policies (retry, backoff, timeout) across the deaths of worker processes.

A worker SIGKILLed mid-attempt is a lost attempt: it runs again without spending the call's
`RetryPolicy.attempts`, and the executions after it still follow the policy (as many as
`attempts`, each retry no sooner than its backoff). A call's own `timeout=` fails each attempt
once: two attempts of a call that always outlasts it run exactly twice, a backoff apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime import policy_flows as flows
from tests.runtime.test_faults import results, start_workers, submit
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
