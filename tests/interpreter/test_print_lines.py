"""`print(...)` in a workflow writes a line of the instance's log at level `info`: the text
CPython prints, each call one line without its final newline."""

from __future__ import annotations

import contextlib
import io
from typing import Any

from waymark import Workflow, workflow
from waymark._workflow import definition_of
from waymark_runtime.effects import WriteLog
from waymark_runtime.interpreter import start


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
    assert [level for level, _ in lines] == ["info"] * 7
    # each call is one line; only `end=""` (the fourth) printed no newline
    newlines = ["\n", "\n", "\n", "", "\n", "\n", "\n"]
    assert "".join(m + nl for (_, m), nl in zip(lines, newlines, strict=True)) == printed.getvalue()
    assert lines[3] == ("info", "a%b")
