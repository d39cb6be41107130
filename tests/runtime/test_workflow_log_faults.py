"""The workflow log across a runner's death: `start-workers` is killed (SIGKILL) while
instances that log between their actions run, a second runner finishes them. Every line is
recorded exactly once, in order, and no line is emitted twice: not by one runner, not by the
survivor for a step the dead one committed (a step it re-ran had committed nothing)."""

from __future__ import annotations

import collections
import json
import re
import signal
from pathlib import Path

import pytest

from tests.runtime import log_flows as flows
from tests.runtime.test_faults import killed_after, results, start_workers, submit
from waymark_runtime.store.postgres import PostgresStore

pytestmark = pytest.mark.fault
_TEXT_LINE = re.compile(
    r" INFO waymark\.workflow: (?P<message>.+) \[instance_id=(?P<id>\S+) workflow=LoggedRecorded\]$"
)


def _text_lines(log: Path) -> list[tuple[str, str]]:
    found = (_TEXT_LINE.search(line) for line in log.read_text(errors="replace").splitlines())
    return [(match["id"], match["message"]) for match in found if match]


def _json_lines(log: Path) -> list[tuple[str, str]]:
    lines = [json.loads(line) for line in log.read_text(errors="replace").splitlines()
             if line.startswith("{")]  # fmt: skip
    return [(line["instance_id"], line["message"]) for line in lines
            if line["logger"] == "waymark.workflow"]  # fmt: skip


async def _committed(database: str, ids: list[str]) -> dict[str, list[tuple[int, str]]]:
    store = await PostgresStore.open(database, run_migrations=False, max_size=1)
    try:
        rows = await store.pool.fetch(
            "SELECT instance_id::text AS id, seq, message FROM waymark_workflow_logs "
            "WHERE instance_id = ANY ($1::uuid[]) ORDER BY instance_id, seq", ids)  # fmt: skip
    finally:
        await store.close()
    committed: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
    for row in rows:
        committed[row["id"]].append((row["seq"], row["message"]))
    return committed


async def test_a_killed_runner_leaves_every_line_recorded_once_and_emitted_at_most_once(
    database: str, tmp_path: Path
) -> None:
    record = tmp_path / "executions.log"
    tags = [f"k{i}" for i in range(4)]
    ids = await submit(database, [(flows.LoggedRecorded, (tag, 5, 0.1)) for tag in tags])
    first = await killed_after(database, record, 8)
    with start_workers(database, record, WAYMARK_LOG_FORMAT="json") as second:
        outcome = await results(database, ids, timeout=25)
        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(15) == 0
    assert outcome == [[f"{tag}/{i}" for i in range(5)] for tag in tags]

    committed = await _committed(database, ids)
    for instance_id, tag in zip(ids, tags, strict=True):
        expected = [f"start {tag}", *(f"recorded {tag}/{i}" for i in range(5)), f"done {tag}"]
        assert committed[instance_id] == list(enumerate(expected))

    before, after = _text_lines(first.log), _json_lines(second.log)
    assert before and after  # each runner emitted lines of the steps it committed
    emitted = collections.Counter(before + after)
    assert max(emitted.values()) == 1, [line for line, n in emitted.items() if n > 1]
    every = {(i, message) for i, lines in committed.items() for _, message in lines}
    assert set(emitted) <= every
    assert {(i, f"done {tag}") for i, tag in zip(ids, tags, strict=True)} <= set(after)
