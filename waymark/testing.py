"""Test helpers: `LocalRuntime` runs workflows in-process on the real interpreter.

    async with LocalRuntime() as rt:            # virtual time by default
        result = await MyWorkflow().run(...)
        instance_id = await MyWorkflow().run(..., _blocking=False)
        assert await rt.result(instance_id) == ...

The pytest plugin (installed with waymark) also offers a `waymark_runtime` fixture.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.clock import Clock
from waymark_runtime.local import LocalRuntime
from waymark_runtime.workflows import current_backend

__all__ = ["Clock", "LocalRuntime", "current_runtime", "result"]


def current_runtime() -> LocalRuntime:
    """The `LocalRuntime` active in this context (inside `async with LocalRuntime()`)."""
    backend = current_backend()
    if not isinstance(backend, LocalRuntime):
        raise RuntimeError("no LocalRuntime is active: use `async with LocalRuntime():`")
    return backend


async def result(instance_id: str, timeout: float | None = None) -> Any:
    """The result of an instance started with `_blocking=False` on the active LocalRuntime."""
    return await current_runtime().result(instance_id, timeout)
