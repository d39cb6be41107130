"""The plain progress lines of `waymark run` (stderr not a terminal): a poll's changes appear in
the order they happened and the time column never goes backwards, even when a change is seen a
poll late (an attempt that finished before the previous report)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from waymark_compiler.cli._placement import Placement, Snapshot
from waymark_compiler.cli._progress import _LineLog

T0 = 1_000.0


def attempt(node: str, status: str, started: float, finished: float | None) -> dict[str, Any]:
    return {"node": node, "attempt": 1, "status": status, "action": "app:ship", "args": [node],
            "kwargs": {}, "started_at": started, "finished_at": finished, "ready_at": None,
            "error": None}  # fmt: skip


def snapshot(*attempts: dict[str, Any]) -> Snapshot:
    return Snapshot(id="i-1", workflow="Ship", version="v", status="running", priority=0,
                    inputs={}, result=None, error=None, created_at=T0, updated_at=T0,
                    finished_at=None, attempts=list(attempts), sleeps=[], program=None)  # fmt: skip


def stamps(text: str) -> list[float]:
    return [float(found) for found in re.findall(r"^\[\s*([\d.]+)s\]", text, re.MULTILINE)]


def test_stamps_never_go_backwards(capsys: pytest.CaptureFixture[str]) -> None:
    log = _LineLog()
    # first poll: n1 finished at +3s, n2 still running since +1s
    log.update(snapshot(attempt("n1", "completed", T0 + 1, T0 + 3),
                        attempt("n2", "running", T0 + 1, None)),
               None, Placement(), now=T0 + 3.5)  # fmt: skip
    # second poll: n2 finished at +2s (before n1's line was printed), n3 started at +4s
    log.update(snapshot(attempt("n1", "completed", T0 + 1, T0 + 3),
                        attempt("n2", "completed", T0 + 1, T0 + 2),
                        attempt("n3", "running", T0 + 4, None)),
               None, Placement(), now=T0 + 4.5)  # fmt: skip
    shown = capsys.readouterr().err
    assert shown.splitlines()[0] == "running Ship i-1"
    times = stamps(shown)
    assert len(times) == 4, shown
    assert times == sorted(times), shown
    lines = shown.splitlines()[1:]
    assert [line.split("]")[1].split()[0] for line in lines] == ["n2", "n1", "n2", "n3"], shown


def test_a_signal_wait_is_reported_as_a_wait_with_its_timeout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    wait = {"kind": "wait", "name": "decision", "node": "n2", "at": T0 + 1, "done": None,
            "payload": None, "site": None, "iteration": None, "times_out_at": T0 + 61}  # fmt: skip
    waiting = replace(snapshot(attempt("n1", "completed", T0, T0 + 1)), signals=[wait])
    _LineLog().update(waiting, None, Placement(waits={"n2": None}), now=T0 + 1)
    [_, _, line] = capsys.readouterr().err.splitlines()
    assert line.endswith("n2 ? \u00b7 waiting for a signal, times out in 60.0s"), line
