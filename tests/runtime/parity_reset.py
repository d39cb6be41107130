"""A workflow that calls a parity case module's `reset()` inside the worker process.

Case actions keep counters in module globals; on PostgreSQL those live in the worker process,
so the PostgreSQL parity test resets them there before each run (one worker process only).
"""

from __future__ import annotations

import importlib

from waymark import Workflow, action, workflow


@action
async def reset_case(module: str) -> bool:
    reset = getattr(importlib.import_module(module), "reset", None)
    if reset is not None:
        reset()
    return reset is not None


@workflow
class ResetCase(Workflow):
    async def run(self, module: str) -> bool:
        return await reset_case(module)
