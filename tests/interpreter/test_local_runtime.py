"""LocalRuntime: the production path in process, with a virtual clock."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

import waymark.testing
from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow
from waymark.testing import LocalRuntime
from waymark_runtime.errors import ProgramError

ATTEMPTS: list[int] = []
FINISHED: list[str] = []


def greeting(name: str) -> str:
    return f"hello {name}"


@action
async def greet(name: str) -> str:
    return greeting(name)


@action
async def finish(label: str) -> str:
    FINISHED.append(label)
    return label


@action
async def fails_twice() -> int:
    ATTEMPTS.append(len(ATTEMPTS) + 1)
    if len(ATTEMPTS) < 3:
        raise ConnectionError("try again")
    return len(ATTEMPTS)


class Refused(Exception):
    pass


@action
async def same(value: int) -> int:
    return value


@workflow
class WideGather(Workflow):
    async def run(self, count: int) -> int:
        values = await asyncio.gather(*[same(i) for i in range(count)])
        return sum(values)


@workflow
class Daily(Workflow):
    async def run(self, name: str) -> str:
        await asyncio.sleep(86400)
        return await greet(name)


@workflow
class Delayed(Workflow):
    async def run(self, label: str, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return await finish(label)


@workflow
class Backoff(Workflow):
    async def run(self) -> int:
        return await self.run_action(
            fails_twice(), retry=RetryPolicy(attempts=3), backoff=BackoffPolicy(base_delay=60)
        )


@workflow
class Refuses(Workflow):
    async def run(self, reason: str) -> str:
        value = await greet(reason)
        raise Refused(value)


async def test_a_day_long_sleep_finishes_at_once_in_virtual_time() -> None:
    started = time.monotonic()
    async with LocalRuntime() as runtime:
        before = runtime.clock.now()
        assert await Daily().run("ada") == "hello ada"
        assert runtime.clock.now() - before >= 86400
    assert time.monotonic() - started < 30


async def test_timers_fire_in_due_order() -> None:
    FINISHED.clear()
    async with LocalRuntime():
        ids = [await Delayed().run(label, seconds, _blocking=False) for label, seconds in
               [("third", 300), ("first", 10), ("second", 100)]]  # fmt: skip
        results = [await waymark.testing.result(i) for i in ids]
    assert FINISHED == ["first", "second", "third"]
    assert results == ["third", "first", "second"]


async def test_backoff_delays_elapse_on_the_virtual_clock() -> None:
    ATTEMPTS.clear()
    async with LocalRuntime() as runtime:
        before = runtime.clock.now()
        assert await Backoff().run() == 3
        assert runtime.clock.now() - before >= 60 + 120


async def test_monkeypatches_apply_to_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(__name__ + ".greeting", lambda name: f"mocked {name}")
    async with LocalRuntime():
        assert await Daily().run("bo") == "mocked bo"


async def test_failures_raise_the_workflow_exception_with_its_line() -> None:
    async with LocalRuntime() as runtime:
        with pytest.raises(Refused, match="hello no") as caught:
            await Refuses().run("no")
        instance_id = await Refuses().run("again", _blocking=False)
        with pytest.raises(Refused):
            await runtime.result(instance_id)
    assert any("line" in note for note in caught.value.__notes__)


async def test_real_time_mode_waits_for_real() -> None:
    FINISHED.clear()
    async with LocalRuntime(virtual_time=False):
        started = time.monotonic()
        assert await Delayed().run("real", 0.2) == "real"
        assert time.monotonic() - started >= 0.2


async def test_the_pytest_fixture_is_an_active_runtime(waymark_runtime: LocalRuntime) -> None:
    assert waymark.testing.current_runtime() is waymark_runtime
    assert await Daily().run("fixture") == "hello fixture"


@pytest.mark.waymark(virtual_time=False)
async def test_the_fixture_takes_options_from_the_marker(waymark_runtime: LocalRuntime) -> None:
    assert not waymark_runtime.clock.virtual


async def test_a_gather_of_a_hundred_thousand_actions_finishes() -> None:
    """Each step costs O(its events), so a wide gather is linear (benchmark L1 times it)."""
    async with LocalRuntime():
        assert await WideGather().run(100_000) == sum(range(100_000))


@dataclass
class Ledger:
    lines: list[int]

    def count(self) -> int:  # named like `list.count`, and compiled with the workflow
        return len(self.lines)


@dataclass
class Journal:
    path: str

    def count(self) -> int:  # named like `list.count`, and not a workflow's to run
        with open(self.path) as handle:
            return len(handle.readlines())


@workflow
class CallsItsOwnMethod(Workflow):
    async def run(self, journal: bool = False) -> int:
        if journal:
            return Journal("journal.txt").count()
        return Ledger([1, 2]).count() + [1, 1].count(1)


async def test_a_method_of_the_class_named_like_a_pure_one_runs_or_is_refused_where_called() -> (
    None
):
    """`ledger.count()` calls the class's method, compiled with the workflow, and `xs.count(x)`
    stays the list's. A method of that name the compiler cannot run is left out, so the module
    still compiles: calling it fails the instance with a `ProgramError` saying why, not an
    `AttributeError` a workflow might catch as if the method were missing."""
    assert await CallsItsOwnMethod().run_inline() == 4
    async with LocalRuntime():
        assert await CallsItsOwnMethod().run() == 4
        with pytest.raises(ProgramError, match=r"`Journal\.count\(\)` is a method of the class"):
            await CallsItsOwnMethod().run(journal=True)


@action
async def leaves(kind: str) -> None:
    raise {"exit": SystemExit(3), "interrupt": KeyboardInterrupt(), "base": BaseException("b")}[
        kind
    ]


@workflow
class ActionLeaves(Workflow):
    async def run(self, kind: str) -> str:
        await leaves(kind)
        return "after"


@pytest.mark.parametrize("kind", ["exit", "interrupt", "base"])
async def test_an_action_raising_a_base_exception_fails_its_instance_only(kind: str) -> None:
    """`SystemExit`, `KeyboardInterrupt` or a bare `BaseException` from an action is that
    attempt's failure, as in a worker process: the instance ends with an exception of that
    name (rebuilt as a stand-in, so a stored value cannot stop the process that raises it),
    the runtime neither hangs nor exits, and the next instance runs."""
    names = {"exit": "SystemExit", "interrupt": "KeyboardInterrupt", "base": "BaseException"}
    async with LocalRuntime():
        with pytest.raises(BaseException) as caught:
            await asyncio.wait_for(ActionLeaves().run(kind), 10)
        assert type(caught.value).__name__ == names[kind]
        assert not isinstance(caught.value, SystemExit | KeyboardInterrupt)
        assert await WideGather().run(3) == 3


@workflow
class NaiveEpoch(Workflow):
    async def run(self, moment: datetime, zone: ZoneInfo | None) -> list[float]:
        aware = datetime.fromtimestamp(86_400, zone)
        return [aware.timestamp(), moment.timestamp()]


async def test_epoch_seconds_of_a_naive_datetime_are_refused_where_they_are_read() -> None:
    """`timestamp()` and `fromtimestamp()` run with a zone; without one (a naive datetime, a
    zone that is `None` when the call runs) they would read the runner's own time zone, so the
    instance fails with a `ProgramError` saying how to give one."""
    async with LocalRuntime():
        aware = datetime(2024, 1, 1, tzinfo=UTC)
        assert await NaiveEpoch().run(moment=aware, zone=ZoneInfo("UTC")) == [
            86_400.0,
            aware.timestamp(),
        ]
        with pytest.raises(ProgramError, match=r"`timestamp\(\)` of a naive datetime"):
            await NaiveEpoch().run(moment=datetime(2024, 1, 1), zone=ZoneInfo("UTC"))
        with pytest.raises(ProgramError, match=r"`fromtimestamp\(\)` without a zone"):
            await NaiveEpoch().run(moment=aware, zone=None)
