"""A failed attempt keeps where it raised, and exception values travel faithfully, on both
runtimes: `LocalRuntime` (in-process) and PostgreSQL with real worker processes.

The traceback is stored with the attempt (text and frames, in the admin API's record) and
reaches the waiting client as the exception's `__cause__` (a `RemoteTraceback`, printed the way
`concurrent.futures` prints a worker's traceback). pydantic's `ValidationError` arrives as a
`ValidationError` with its errors, exceptions with their own `__init__` arrive with their
attributes, and an exception value can be an action's argument."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from pydantic import ValidationError

import waymark
from tests.runtime import observe_flows as flows
from tests.runtime.support import runner_settings, running
from waymark_runtime.admin import Admin, InstanceDetail
from waymark_runtime.local import LocalRuntime
from waymark_runtime.store.postgres import PostgresStore
from waymark_runtime.values import RemoteTraceback, from_json, to_json
from waymark_runtime.worker import executor

Run = Callable[[Any, Any], Awaitable[tuple[str, BaseException | None, Any]]]
"""Run a workflow class with one input: (instance id, the exception raised or None, result)."""
Show = Callable[[str], Awaitable[InstanceDetail]]


@pytest.fixture(params=["local", "postgres"])
async def runtime(
    request: pytest.FixtureRequest, database: str, store: PostgresStore, worker_env: object
) -> AsyncIterator[tuple[Run, Show]]:
    if request.param == "local":
        async with LocalRuntime() as local:

            async def run_local(workflow: Any, value: Any) -> tuple[str, Any, Any]:
                instance_id = await workflow().run(value, _blocking=False)
                return instance_id, *await _outcome(local.result(instance_id))

            yield run_local, local.admin().show
        return
    settings = runner_settings(database, user_modules=("tests.runtime.observe_flows",))
    async with running(store, settings), waymark.connect(database) as client:

        async def run_pg(workflow: Any, value: Any) -> tuple[str, Any, Any]:
            instance_id = await workflow().run(value, _blocking=False)
            return instance_id, *await _outcome(client.get_result(instance_id, timeout=30))

        yield run_pg, Admin(store).show


async def _outcome(waiting: Awaitable[Any]) -> tuple[BaseException | None, Any]:
    try:
        return None, await waiting
    except Exception as error:
        return error, None


async def test_the_client_gets_the_remote_traceback_as_cause(runtime: tuple[Run, Show]) -> None:
    run, show = runtime
    instance_id, error, _ = await run(flows.Exploding, "boom")
    assert isinstance(error, ValueError) and str(error) == "exploded: boom"
    cause = error.__cause__
    assert isinstance(cause, RemoteTraceback)
    assert cause.text.startswith("Traceback (most recent call last):")
    assert "in flaky\n    _explode(reason)" in cause.text
    assert cause.text.rstrip().endswith("ValueError: exploded: boom")
    assert "waymark_runtime" not in cause.text  # only the action's own frames
    printed = "".join(traceback.format_exception(error))  # what pytest shows, too
    assert "The above exception was the direct cause of the following exception" in printed
    assert 'raise ValueError(f"exploded: {reason}")' in printed

    detail = await show(instance_id)
    assert [(a.attempt, a.status) for a in detail.attempts] == [(1, "failed"), (2, "failed")]
    for attempt in detail.attempts:
        assert attempt.traceback is not None and "in _explode" in attempt.traceback
        assert [f["name"] for f in attempt.frames] == ["flaky", "_explode"]
        assert attempt.frames[-1]["filename"] == flows.__file__
        assert attempt.frames[-1]["line"] == 'raise ValueError(f"exploded: {reason}")'
        assert "frames" not in attempt.error and "traceback" in attempt.error


async def test_a_validation_error_arrives_with_its_errors(runtime: tuple[Run, Show]) -> None:
    run, _ = runtime
    _, error, _ = await run(flows.ParseOrder, {"id": "x"})
    assert isinstance(error, ValidationError)
    assert error.title == "Order"
    assert [(e["type"], e["loc"]) for e in error.errors()] == [
        ("int_parsing", ("id",)), ("missing", ("amount",)),
    ]  # fmt: skip
    assert isinstance(error.__cause__, RemoteTraceback)


async def test_an_exception_with_its_own_init_round_trips(runtime: tuple[Run, Show]) -> None:
    run, _ = runtime
    _, error, _ = await run(flows.OverQuota, "ann")
    assert type(error) is flows.QuotaExceeded
    assert (error.user, error.limit, str(error)) == ("ann", 5, "ann is over its quota of 5")


async def test_an_exception_value_is_an_action_argument(runtime: tuple[Run, Show]) -> None:
    run, _ = runtime
    _, error, result = await run(flows.DescribeQuota, "bo")
    assert error is None
    assert result == "QuotaExceeded: bo is over its quota of 5 (bo)"


async def test_an_exception_whose_str_repr_and_args_raise_keeps_its_class(
    runtime: tuple[Run, Show],
) -> None:
    """As in Python, `except Unprintable` catches it (it arrived as the RuntimeError its
    `__str__` raised while it was being stored)."""
    run, _ = runtime
    _, error, result = await run(flows.CatchUnprintable, "cy")
    assert (error, result) == (None, "caught as Unprintable")


async def test_a_cancelled_error_an_action_raises_is_its_failure(
    runtime: tuple[Run, Show],
) -> None:
    """Not the loss of the attempt (LocalRuntime took it for its own cancel and ran the action
    again until the lost-attempt budget was spent)."""
    run, show = runtime
    instance_id, error, _ = await run(flows.CancelsItself, "dee")
    assert f"{type(error).__name__}: {error}".endswith("CancelledError: dee")
    [attempt] = (await show(instance_id)).attempts
    assert (attempt.status, attempt.lost_count) == ("failed", 0)


async def test_a_generator_exit_an_action_raises_is_its_failure(
    runtime: tuple[Run, Show],
) -> None:
    """Not the close of an abandoned attempt (LocalRuntime took it for one, sent no reply and
    the instance waited for ever)."""
    run, show = runtime
    instance_id, error, _ = await asyncio.wait_for(run(flows.ClosesItself, "eve"), 30)
    assert f"{type(error).__name__}: {error}".endswith("GeneratorExit: eve")
    [attempt] = (await show(instance_id)).attempts
    assert (attempt.status, attempt.lost_count) == ("failed", 0)


async def test_an_action_that_ignores_its_deadline_fails_with_action_timeout_in_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """In a worker process the runner kills it; in process nothing can stop it: past its
    deadline and the grace the attempt fails with ActionTimeout and its coroutine is closed
    (it hung for ever)."""
    monkeypatch.setattr(executor, "DEADLINE_GRACE", 0.3)
    async with LocalRuntime():
        run = flows.IgnoresItsDeadline().run("late")
        result = await asyncio.wait_for(run, 10)
    assert result == ("ActionTimeout: action timed out after 0.3s; it did not stop when "
                      "cancelled (it caught asyncio.CancelledError), so its attempt was "
                      "abandoned")  # fmt: skip
    assert "action tests.runtime.observe_flows:stubborn runs 0.3s past" in caplog.text
    assert "late" in flows.STUBBORN_ENDED  # closed: its finally ran, nothing keeps running


async def test_closing_a_local_runtime_does_not_wait_for_ever_on_such_an_action(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(executor, "DEADLINE_GRACE", 0.3)
    runtime = LocalRuntime()
    async with runtime:
        await flows.IgnoresCancellation().run("closed", _blocking=False)
        await asyncio.sleep(0.2)  # it runs, without a deadline of its own
        assert "closed" not in flows.STUBBORN_ENDED
        closing = asyncio.ensure_future(runtime.close())
        await asyncio.wait_for(closing, 10)
    assert "closed" in flows.STUBBORN_ENDED


def test_validation_errors_with_custom_types_and_contexts_round_trip() -> None:
    from pydantic import BaseModel, field_validator
    from pydantic_core import PydanticCustomError

    class Form(BaseModel):
        name: str
        age: int

        @field_validator("name")
        @classmethod
        def named(cls, value: str) -> str:
            if value == "custom":
                raise PydanticCustomError("bad_name", "names may not be {name}", {"name": value})
            raise ValueError("no such name")

    for data in ({"name": "x", "age": "y"}, {"name": "custom", "age": 1}):
        with pytest.raises(ValidationError) as caught:
            Form.model_validate(data)
        back = from_json(to_json(caught.value))
        assert isinstance(back, ValidationError)
        assert str(back) == str(caught.value)
        want = [(e["type"], e["loc"], e["msg"]) for e in caught.value.errors()]
        assert [(e["type"], e["loc"], e["msg"]) for e in back.errors()] == want
