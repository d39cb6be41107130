"""The workflow of the multi-host test: which host ran each of its two actions.

Each host's `start-workers` sets `WM_HOST`; an action reports the host it ran on.
"""

from __future__ import annotations

import asyncio
import os

from waymark import Workflow, action, workflow


@action
async def where(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return os.environ.get("WM_HOST", "?")


@workflow
class TwoPlaces(Workflow):
    """A quick action, then one that takes `seconds`: the hosts that ran them."""

    async def run(self, seconds: float) -> list[str]:
        first = await where(0.0)
        second = await where(seconds)
        return [first, second]
