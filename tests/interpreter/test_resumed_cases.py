"""Every parity case, its state saved as JSON text and loaded again at every step (`drive`), as
a runner that picks the instance up in another process does, ends as plain Python does. The
live suites keep an instance's values in memory between steps, so a value that does not survive
its own encoding (a plain object held twice, an exception's notes under another name) is seen
only here.

`drive` has no clock and performs actions and sleeps only: cases that rely on real time
(`fast_sleep=False`) and those that start child workflows or outlast its steps are left to the
parity suites."""

from __future__ import annotations

from typing import Any

import pytest

from tests.interpreter.host import Trace, drive
from tests.parity.cases import CASES
from tests.parity.harness import oracle_outcome, shape, with_printed
from waymark._workflow import definition_of
from waymark_runtime.effects import WriteLog

NOT_DRIVEN = {
    "prod_orders.CheckoutSaga": "starts child workflows",
    "prod_finance.BatchScoring": "starts child workflows",
    "corpus_fulfillment.FulfilOrder": "starts child workflows",
    "trip_saga.TripSaga": "retries past drive's steps",
    "corpus_provisioning.ProvisionTenant": "polls past drive's steps",
    "corpus_stock_holds.QuoteHolds": "sleeps past drive's steps",
}
# Values that do not come back as they were saved: open bugs, each run failing until fixed.
NOT_RESUMED: dict[str, str] = {}


def _runs() -> list[Any]:
    runs = []
    for case in CASES:
        if not case.fast_sleep or case.id in NOT_DRIVEN:
            continue
        for index in range(case.input_count()):
            run = f"{case.id}[{index}]"
            bug = NOT_RESUMED.get(run)
            marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug else []
            runs.append(pytest.param(case, index, id=run, marks=marks))
    return runs


@pytest.mark.parametrize(("case", "index"), _runs())
async def test_case_ends_as_in_python_when_resumed_at_every_step(case: Any, index: int) -> None:
    inputs = case.all_inputs()[index]
    expected = await oracle_outcome(case, inputs)
    reset = getattr(case.load(), "reset", None)
    if reset is not None:  # the action counters the oracle's run moved
        reset()
    trace = Trace()
    outcome = await drive(definition_of(case.workflow_class()).program, inputs, trace=trace)
    if outcome[0] == "returned":
        outcome = ("returned", shape(outcome[1]))
    logged = [e.message for batch in trace.effects for e in batch if isinstance(e, WriteLog)]
    assert with_printed(case, outcome, logged) == expected
