"""`print(...)` in a workflow writes the text CPython prints to the instance's log, as `info`
lines as stdout shows them: a line printed without its newline (`end=""`) is joined with the
next print, kept with the saved state meanwhile, and written when the instance ends."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Any

import pytest

from tests.interpreter.host import Trace, drive
from waymark import Workflow, workflow
from waymark._workflow import definition_of
from waymark_runtime.effects import WriteLog
from waymark_runtime.interpreter import decode_state, encode_state, start
from waymark_runtime.interpreter.persisted import StateFormatError


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __str__(self) -> str:
        return f"${self.cents / 100:.2f}"


@workflow
class Printing(Workflow):
    async def run(self, name: str) -> int:
        print("hi", name, sep="-")
        print("100%", 7, end="!\n")
        print()
        print("a", "b", sep="%", end="")
        print({"k": [1, 2]}, None, 1.5, (3,), sep=None, end=None)
        print(Money(250), "50%% off", flush=True)
        print("%s", "%d")
        return 3


def _lines(effects: list[Any]) -> list[tuple[str, str]]:
    return [(e.level, e.message) for e in effects if isinstance(e, WriteLog)]


async def test_print_writes_what_cpython_prints_as_log_lines() -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert await Printing().run_inline(name="ann") == 3
    _, effects = start(definition_of(Printing).program, {"name": "ann"})
    lines = _lines(effects)
    assert [level for level, _ in lines] == ["info"] * 6
    assert "".join(m + "\n" for _, m in lines) == printed.getvalue()
    assert lines[3] == ("info", "a%b{'k': [1, 2]} None 1.5 (3,)")


@workflow
class Unfinished(Workflow):
    async def run(self, fail: bool) -> str:
        print("step", 1, end="")
        await asyncio.sleep(1)
        print(" and", 2, end=", ")
        if fail:
            raise ValueError("stopped")
        return "done"


@pytest.mark.parametrize("fail", [False, True])
async def test_an_unfinished_line_is_saved_with_the_state_and_written_at_the_end(
    fail: bool,
) -> None:
    trace = Trace()
    outcome = await drive(definition_of(Unfinished).program, {"fail": fail}, trace=trace)
    assert outcome[0] == ("raised" if fail else "returned")
    first = trace.states[0]
    assert first.printing is not None and first.printing[0] == "step 1"
    assert decode_state(encode_state(first)) == first
    assert "printing" not in encode_state(trace.states[-1])  # nothing left unfinished
    written = [e for batch in trace.effects for e in batch if isinstance(e, WriteLog)]
    assert [(e.level, e.message, e.seq) for e in written] == [("info", "step 1 and 2, ", 0)]
    assert written[0].function == "run"


@pytest.mark.parametrize("printing", ["text", ["text", "run"], [1, "run", 3], {"a": 1}])
def test_a_malformed_unfinished_line_is_a_state_format_error(printing: object) -> None:
    document = encode_state(decode_state({"version": 2, "status": "completed"}))
    with pytest.raises(StateFormatError):
        decode_state({**document, "printing": printing})
