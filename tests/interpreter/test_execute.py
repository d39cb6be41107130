"""execute_action: registry only, arguments rebuilt as computed (never coerced), Depends, timeouts."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from typing import Annotated

import pytest
from pydantic import BaseModel

from waymark import ActionTimeout, Depends, action
from waymark_runtime.execute import execute_action
from waymark_runtime.values import from_json, to_json

RESOLVED: list[str] = []


class Order(BaseModel):
    id: int
    day: date


def get_prefix() -> str:
    RESOLVED.append("prefix")
    return "order"


@action
async def describe(order: Order, copies: int, prefix: Annotated[str, Depends(get_prefix)]) -> str:
    return f"{prefix} {order.id} on {order.day.isoformat()} x{copies}"


@action
async def sleepy(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done"


@action
async def own_timeout() -> None:
    raise TimeoutError("mine")


@action
async def unstorable() -> object:
    return object()


def path(function: object) -> str:
    return function.path  # type: ignore[attr-defined, no-any-return]


async def test_arguments_are_rebuilt_and_dependencies_resolved_per_invocation() -> None:
    RESOLVED.clear()
    args = [to_json(Order(id=7, day=date(2024, 3, 1)))]
    for _ in range(2):
        outcome = await execute_action(path(describe), args, {"copies": 2}, timeout=None)
        assert outcome.ok and outcome.value == "order 7 on 2024-03-01 x2"
    assert RESOLVED == ["prefix", "prefix"]


async def test_plain_json_payloads_are_not_coerced_into_the_annotated_model() -> None:
    outcome = await execute_action(
        path(describe), [{"id": "3", "day": "2024-01-02"}], {"copies": 1}, timeout=None
    )
    error = from_json(outcome.value)
    assert not outcome.ok and type(error) is AttributeError
    assert str(error) == "'dict' object has no attribute 'id'"


async def test_unknown_paths_are_errors_and_nothing_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called = []
    monkeypatch.setattr(os, "system", lambda command: called.append(command))
    outcome = await execute_action("os:system", ["touch /tmp/nope"], {}, timeout=None)
    assert not outcome.ok and outcome.value["type"] == "waymark_runtime.execute:UnknownAction"
    assert called == []


async def test_a_passed_deadline_is_action_timeout_but_an_own_timeout_error_is_not() -> None:
    timed_out = await execute_action(path(sleepy), [5], {}, timeout=0.02)
    assert isinstance(from_json(timed_out.value), ActionTimeout)
    own = await execute_action(path(own_timeout), [], {}, timeout=5)
    error = from_json(own.value)
    assert type(error) is TimeoutError and str(error) == "mine"
    fast = await execute_action(path(sleepy), [0], {}, timeout=5)
    assert fast.ok and fast.value_json == "done"


async def test_an_unstorable_result_is_a_clear_error_outcome() -> None:
    outcome = await execute_action(path(unstorable), [], {}, timeout=None)
    assert not outcome.ok and outcome.value["type"].endswith(":ValueNotSerializable")
    assert "builtins:object" in outcome.value["message"]
