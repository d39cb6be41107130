"""Closures and their cells (and pure paths, a tagged value), and attributes a run sets on
`self`, across resumes: the state saved as JSON text and loaded again at every step (`drive`),
as a runner that picks the instance up in another process does, ends the workflow as plain
Python does."""

from __future__ import annotations

import pytest

from tests.interpreter.host import drive
from tests.parity.cases import CASES, ParityCase
from tests.parity.harness import oracle_outcome, shape
from waymark._workflow import definition_of

RESUMED = [
    case
    for case in CASES
    if case.module
    in (
        "closure_cells",
        "closure_defaults",
        "closure_values",
        "pure_paths",
        "instance_state",
    )
]


@pytest.mark.parametrize("case", RESUMED, ids=[case.id for case in RESUMED])
async def test_closures_end_as_in_python_when_resumed_at_every_step(case: ParityCase) -> None:
    for inputs in case.all_inputs():
        expected = await oracle_outcome(case, inputs)
        outcome = await drive(definition_of(case.workflow_class()).program, inputs)
        if outcome[0] == "returned":
            outcome = ("returned", shape(outcome[1]))
        assert outcome == expected
