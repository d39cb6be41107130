"""Every parity case ends on PostgreSQL — a `start-workers` process with real workers — the
same way as its `run()` body does as plain Python (the oracle)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import waymark
from tests.parity.cases import CASES, ParityCase
from tests.parity.harness import oracle_outcome, shape, with_printed
from tests.runtime.parity_reset import ResetCase
from tests.runtime.support import start_workers_env, start_workers_process
from waymark_runtime.admin import Admin

# Real time on PostgreSQL: durable sleeps of an hour or a day are left to the virtual clock of
# the in-memory parity suite.
TOO_SLOW = {
    ("sleeps.LongSleep", 0),
    ("sleeps.SleepBetweenActions", 1),
    *(("prod_accounts.Onboarding", i) for i in range(3)),  # nudges days apart
    ("prod_accounts.RenewSubscription", 1),  # retries hours apart
    ("prod_accounts.RenewSubscription", 2),
    ("prod_ops.EscalateIncident", 2),  # rounds minutes apart
    *(("corpus_rollout.RolloutFlag", i) for i in range(3)),  # stages soak for minutes
    ("corpus_stock_holds.QuoteHolds", 0),  # holds kept for two days
    ("corpus_approval_chain.ApprovePurchase", 0),  # reminders a day apart
    ("corpus_approval_chain.ApprovePurchase", 2),  # reminders eight hours apart
}
# A run that outlasts this fails (as a TimeoutError outcome) instead of holding the suite up:
# a case whose durable sleeps are too long for real time belongs in TOO_SLOW.
RUN_TIMEOUT = 180

RUNS = [
    pytest.param(case, index, id=f"{case.id}[{index}]")
    for case in CASES
    for index in range(case.input_count())
    if (case.id, index) not in TOO_SLOW
]
MODULES = sorted({case.module_name for case in CASES} | {"tests.runtime.parity_reset"})


@pytest.fixture(scope="module")
def workers(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `start-workers` for the module: one worker process, so counters live in one place."""
    env = start_workers_env(database, WAYMARK_USER_MODULE=",".join(MODULES))
    log = tmp_path_factory.mktemp("parity") / "start-workers.log"
    with start_workers_process(env, log):
        yield database


@pytest.mark.parametrize(("case", "index"), RUNS)
async def test_parity_on_postgres(workers: str, case: ParityCase, index: int) -> None:
    inputs = case.all_inputs()[index]
    expected = await oracle_outcome(case, inputs)
    async with waymark.connect(workers) as client:
        await client.get_result(await ResetCase().run(case.module_name, _blocking=False), 60)
        if not case.prints:
            run = case.workflow_class()().run(**inputs)
            actual = await _outcome(asyncio.wait_for(run, RUN_TIMEOUT))
        else:  # the lines of the instance's log as stored
            instance_id = await case.workflow_class()().run(**inputs, _blocking=False)
            actual = await _outcome(client.get_result(instance_id, RUN_TIMEOUT))
            detail = await Admin(await client.store()).show(instance_id)
            actual = with_printed(case, actual, [line.message for line in detail.logs])
    assert actual == expected


async def _outcome(call: Any) -> tuple[Any, ...]:
    try:
        value = await call
    except Exception as error:
        return ("raised", type(error).__qualname__, str(error))
    return ("returned", shape(value))
