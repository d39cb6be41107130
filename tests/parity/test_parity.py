"""Every parity case ends the same way on the durable runtime as in plain Python."""

from __future__ import annotations

import pytest

from tests.parity.cases import CASES, ParityCase
from tests.parity.harness import durable_outcome, oracle_outcome

RUNS = [
    pytest.param(case, index, id=f"{case.id}[{index}]")
    for case in CASES
    for index in range(case.input_count())
]


@pytest.mark.parametrize(("case", "index"), RUNS)
async def test_parity(case: ParityCase, index: int) -> None:
    inputs = case.all_inputs()[index]
    expected = await oracle_outcome(case, inputs, observe=True)
    actual = await durable_outcome(case, inputs, observe=True)
    assert actual == expected


def test_suite_size() -> None:
    assert len({(c.module, c.workflow) for c in CASES}) >= 60
