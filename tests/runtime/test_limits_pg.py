"""One bad instance must not hurt the others: poison programs next to canaries on one
`start-workers` process on PostgreSQL. Each poison fails with the limit it exceeds, the
canaries finish on time, and the runner keeps every lease (its heartbeats were not starved)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import waymark
from tests.limit_flows import (
    Amplified,
    AnyOfGenerator,
    Gathers,
    ListComprehension,
    Power,
    Repeat,
    Repeated,
)
from tests.runtime import runtime_flows as flows
from tests.runtime.support import start_workers_env, start_workers_process
from waymark import Workflow
from waymark_runtime.interpreter import LimitExceeded

POISONS: list[tuple[type[Workflow], Any, str]] = [
    (AnyOfGenerator, 10**12, "WAYMARK_MAX_STEP_OPERATIONS"),
    (ListComprehension, 10**12, "WAYMARK_MAX_COLLECTION_LENGTH"),
    (Repeat, 10**10, "WAYMARK_MAX_STRING_LENGTH"),
    (Power, 8, "WAYMARK_MAX_INT_DIGITS"),
    (Gathers, 10**6, "WAYMARK_MAX_STEP_OPERATIONS"),
    (Repeated, "return", "WAYMARK_MAX_STEP_OPERATIONS"),
    (Amplified, 40, "WAYMARK_MAX_PAYLOAD_BYTES"),
]


async def _wait_ready(log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while " ready" not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the runner did not start"
        await asyncio.sleep(0.05)


async def _timed(result: Any) -> tuple[Any, float]:
    began = time.monotonic()
    try:
        value = await result
    except LimitExceeded as error:
        value = error
    return value, time.monotonic() - began


async def test_poison_programs_fail_alone_and_canaries_finish_on_time(
    database: str, tmp_path: Path
) -> None:
    log = tmp_path / "runner.log"
    env = start_workers_env(database, WAYMARK_LOCK_TTL_MS="6000", WAYMARK_LOCK_HEARTBEAT_MS="1000",
                            WAYMARK_USER_MODULE=f"{flows.__name__},{Amplified.__module__}")  # fmt: skip
    with start_workers_process(env, log):
        await _wait_ready(log, 30)
        async with waymark.connect(database) as client:
            poisons = [await cls().run(n, _blocking=False) for cls, n, _ in POISONS for _ in (1, 2)]
            canaries = [await flows.Sequence().run(4, _blocking=False) for _ in range(6)]
            waits = [_timed(client.get_result(i, timeout=60)) for i in poisons + canaries]
            outcomes = await asyncio.gather(*waits)
    failures, finished = outcomes[: len(poisons)], outcomes[len(poisons) :]
    expected = [setting for _, _, setting in POISONS for _ in (1, 2)]
    assert [getattr(error, "setting", error) for error, _ in failures] == expected
    assert all(value == 6 for value, _ in finished)
    # Six of the poisons spend their whole step budget (a second or four each on a loaded
    # 2-core machine) on the runner's one event loop before the canaries' steps: the canaries
    # wait for those, and no more (a starved canary would wait the whole minute).
    assert max(seconds for _, seconds in finished) < 45
    assert "no longer ours" not in log.read_text(errors="replace")
