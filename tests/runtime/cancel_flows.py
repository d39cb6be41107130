"""Workflows of `test_cancel_frozen`, beside those of `fault_flows` (whose `nap` they call)."""

from __future__ import annotations

import asyncio

from tests.runtime.fault_flows import nap
from waymark import Workflow, workflow


@workflow
class NapFan(Workflow):
    """`count` naps at once: more than the workers take, the rest wait in the runner."""

    async def run(self, key: str, count: int, seconds: float) -> list[str]:
        return await asyncio.gather(*[nap(f"{key}/{i}", seconds) for i in range(count)])
