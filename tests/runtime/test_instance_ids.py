"""Every entry point that takes an instance id refuses a value that is not one (`123`, `None`)
with a TypeError naming its type, on PostgreSQL and on a LocalRuntime; a string that is no id
stays an unknown instance (None from `get_status`), and a `uuid.UUID` is an id."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import waymark
import waymark.testing
from tests.runtime import runtime_flows as flows
from waymark_runtime.errors import SignalRefused, UnknownInstance
from waymark_runtime.local import LocalRuntime

NOT_IDS: list[Any] = [123, None, 1.5, b"00000000-0000-0000-0000-000000000000", True, ["x"]]
CALLS: dict[str, Callable[[Any], Awaitable[object]]] = {
    "get_status": waymark.get_status,
    "get_result": lambda i: waymark.get_result(i, timeout=1),
    "cancel": waymark.cancel,
    "send_signal": lambda i: waymark.send_signal(i, "go", 1),
    "show": lambda i: _admin_call("show", i),
    "retry": lambda i: _admin_call("retry", i),
    "requeue": lambda i: _admin_call("requeue", i),
}


async def _admin_call(name: str, instance_id: Any) -> object:
    return await getattr(await waymark.admin(), name)(instance_id)


async def _refused_everywhere(extra: dict[str, Callable[[Any], Awaitable[object]]]) -> None:
    for name, call in {**CALLS, **extra}.items():
        for value in NOT_IDS:
            with pytest.raises(TypeError, match=type(value).__name__) as refused:
                await call(value)
            assert "instance id is a str" in str(refused.value), name


async def _unknown_strings() -> None:
    assert await waymark.get_status("nonsense") is None
    assert await waymark.get_status(str(uuid.uuid4())) is None
    with pytest.raises(UnknownInstance):
        await waymark.get_result("nonsense", timeout=1)
    with pytest.raises(UnknownInstance):
        await waymark.cancel("nonsense")
    with pytest.raises(SignalRefused):
        await waymark.send_signal("nonsense", "go", 1)


async def test_a_local_runtime_refuses_what_is_not_an_id() -> None:
    async with LocalRuntime():
        await _refused_everywhere({"testing.result": waymark.testing.result})
        await _unknown_strings()
        instance_id = await flows.Single().run(4, _blocking=False)
        status = await waymark.get_status(uuid.UUID(instance_id))
        assert status is not None
        assert await waymark.get_result(uuid.UUID(instance_id), timeout=30) == 4


async def test_postgresql_refuses_what_is_not_an_id(database: str) -> None:
    async with waymark.connect(database) as client:
        client_calls: dict[str, Callable[[Any], Awaitable[object]]] = {
            "client.get_status": client.get_status,
            "client.get_result": client.get_result,
        }
        await _refused_everywhere(client_calls)
        await _unknown_strings()
