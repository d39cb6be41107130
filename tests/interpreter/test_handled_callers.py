"""The exception an `except` body handles reaches into the helpers it calls (their exceptions'
`__context__`) through the interpreter's own frame links: nothing reads Python's frames."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tests.parity.cases import CASES, ParityCase
from tests.parity.harness import durable_outcome, oracle_outcome

CONTEXT_CASES = [
    pytest.param(case, id=case.id)
    for case in CASES
    if case.module in {"helper_contexts", "exception_chains"}
]


_getframe = sys._getframe


def _no_frames(depth: int = 0) -> Any:
    """`sys._getframe`, refused to the interpreter (libraries use it to import, the runtime to size its stack)."""
    if _getframe(1).f_globals["__name__"].startswith("waymark_runtime.interpreter"):
        raise AssertionError("the interpreter must not read Python's frames")
    return _getframe(depth + 1)


@pytest.mark.parametrize("case", CONTEXT_CASES)
async def test_contexts_reach_helpers_without_python_frames(
    case: ParityCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    for inputs in case.all_inputs():
        expected = await oracle_outcome(case, inputs)
        with monkeypatch.context() as patched:
            patched.setattr(sys, "_getframe", _no_frames)
            actual = await durable_outcome(case, inputs)
        assert actual == expected
