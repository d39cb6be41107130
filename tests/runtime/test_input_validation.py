"""One validation of inputs at every entry point, before anything is written: `run()` on
PostgreSQL and on LocalRuntime, `schedule_workflow`, and `waymark run`; the body sees the
annotated types (a dict for a model parameter is the model inside the body too)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import waymark
from tests.cli.cli_support import run_waymark
from tests.runtime import input_flows as flows
from waymark.testing import LocalRuntime
from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.inputs import InvalidInputError
from waymark_runtime.schedules import InvalidScheduleError, Schedules
from waymark_runtime.store.postgres import PostgresStore


class Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


BAD = [
    # Constraints in `Annotated` are checked (they were dropped with the annotation's extras).
    (flows.Positive, {"n": 0}, r"input `n` does not match Positive.run\(\): .*greater than 0"),
    (flows.Count, {"n": "three"}, r"input `n` does not match Count.run\(\): .*valid integer"),
    # The refusal shows the value short, even one whose repr() would fail or never end.
    (
        flows.Count,
        {"n": _nested(999)},  # deeper is refused as too deep to store
        r"valid integer \(`n: int`, got \[\[\[\[\[\.\.\.\]\]\]\]\]\)$",
    ),
    (flows.Count, {"n": Unprintable()}, r"valid integer \(`n: int`, got <Unprintable instance at "),
    (flows.Count, {"n": "x" * 100_000}, r"\(`n: int`, got 'x{60}'\.\.\. \(100,000 characters\)\)$"),
    (
        flows.Describe,
        {"order": {"order_id": "o-1"}, "due": "2026-12-04"},
        r"input `order`\['quantity'\] does not match Describe.run\(\): Field required",
    ),
    (
        flows.Describe,
        {"order": {"order_id": "o-1", "quantity": 2}, "due": "someday"},
        r"input `due` does not match Describe.run\(\)",
    ),
]


async def instance_count(store: PostgresStore) -> int:
    count: int = await store.pool.fetchval("SELECT count(*) FROM waymark_instances")
    return count


async def test_a_bool_for_an_int_stays_a_bool_as_in_plain_python() -> None:
    """`bool` is a subclass of `int`: `True` for `n: int` is accepted (a type checker accepts
    `run(True)` too) and stays `True` in the body, as the plain Python call passes it;
    `StrictInt` refuses it."""
    async with LocalRuntime():
        assert await flows.Echo().run(True) == await flows.Echo().run_inline(True) == "True 2"
        with pytest.raises(InvalidInputError, match=r"input `n` does not match StrictCount"):
            await flows.StrictCount().run(True)
        assert await flows.StrictCount().run(2) == 3


@pytest.mark.parametrize(("workflow", "inputs", "message"), BAD)
async def test_the_client_refuses_bad_inputs_and_writes_nothing(
    store: PostgresStore, database: str, workflow: type, inputs: dict[str, object], message: str
) -> None:
    async with waymark.connect(database):
        with pytest.raises(InvalidInputError, match=message):
            await workflow().run(**inputs, _blocking=False)
    assert await instance_count(store) == 0


@pytest.mark.parametrize(("workflow", "inputs", "message"), BAD)
async def test_the_local_runtime_refuses_bad_inputs(
    workflow: type, inputs: dict[str, object], message: str
) -> None:
    async with LocalRuntime() as runtime:
        with pytest.raises(InvalidInputError, match=message):
            await workflow().run(**inputs)
        assert (await runtime.admin().list()).items == ()


async def test_the_body_sees_the_annotated_types(store: PostgresStore, database: str) -> None:
    inputs = {"order": {"order_id": "o-1", "quantity": "2"}, "due": "2026-12-04"}
    expected = "o-1 x2 by 2026-12-04"
    async with LocalRuntime():
        assert await flows.Describe().run(**inputs) == expected
    assert (
        await flows.Describe().run_inline(
            flows.Order(order_id="o-1", quantity=2), flows.date(2026, 12, 4)
        )
        == expected
    )


@pytest.mark.parametrize(("workflow", "inputs", "message"), BAD)
async def test_a_schedule_with_bad_inputs_is_refused_and_stores_nothing(
    store: PostgresStore, workflow: type, inputs: dict[str, object], message: str
) -> None:
    schedules = Schedules(store)
    with pytest.raises(InvalidScheduleError, match=message):
        await schedules.register(workflow, "nightly", timedelta(hours=1), inputs=inputs)
    assert await schedules.select() == []


async def test_a_schedule_with_inputs_too_deep_to_store_is_refused(store: PostgresStore) -> None:
    schedules = Schedules(store)
    refusal = r"inputs of Count do not serialize: input `n` nests more than 1000 levels deep"
    with pytest.raises(InvalidScheduleError, match=refusal):
        await schedules.register(flows.Count, "nightly", timedelta(hours=1),
                                 inputs={"n": _nested(10_000)})  # fmt: skip
    assert await schedules.select() == []


def test_the_cli_refuses_bad_inputs_with_the_same_message() -> None:
    flows_file = Path(flows.__file__)
    result = run_waymark(
        "run", f"{flows_file.name}:Count", "--input", '{"n": "three"}', cwd=flows_file.parent,
        env={"WAYMARK_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    )  # fmt: skip
    assert result.code == 2, result.err
    assert "input `n` does not match Count.run(): Input should be a valid integer" in result.err


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, 2), {}), ((), {"n": 1, "m": 2}), ((1,), {"n": 1}), ((), {"order": None})],
)
async def test_a_call_that_does_not_fit_run_raises_what_python_raises(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    """Arguments that do not fit `run()` (missing, too many, unknown, given twice) raise the
    `TypeError` CPython raises for the same call of the plain method, word for word, before
    anything is stored."""
    with pytest.raises(TypeError) as plain:
        await flows.Count().run_inline(*args, **kwargs)
    async with LocalRuntime():
        with pytest.raises(TypeError) as durable:
            await flows.Count().run(*args, **kwargs)
    assert str(durable.value) == str(plain.value)


def _looped_list() -> list[Any]:
    loop: list[Any] = [1]
    loop.append(loop)
    return loop


def _looped_dict() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["again"] = [loop]
    return loop


SELF_CONTAINING = [
    (flows.Tally, {"items": _looped_list()}, "a list holds itself"),
    (flows.Lookup, {"table": _looped_dict()}, "a dict holds itself"),
    (flows.Untyped, {"value": _looped_list()}, "a list holds itself"),
]


@pytest.mark.parametrize(("workflow", "inputs", "message"), SELF_CONTAINING)
async def test_the_local_runtime_refuses_an_input_that_contains_itself(
    workflow: type, inputs: dict[str, object], message: str
) -> None:
    async with LocalRuntime() as runtime:
        with pytest.raises(ValueNotSerializable, match=f"contains itself: {message}"):
            await workflow().run(**inputs)
        assert (await runtime.admin().list()).items == ()


@pytest.mark.parametrize(("workflow", "inputs", "message"), SELF_CONTAINING)
async def test_the_client_refuses_an_input_that_contains_itself(
    store: PostgresStore, database: str, workflow: type, inputs: dict[str, object], message: str
) -> None:
    async with waymark.connect(database):
        with pytest.raises(ValueNotSerializable, match=f"contains itself: {message}"):
            await workflow().run(**inputs, _blocking=False)
    assert await instance_count(store) == 0
