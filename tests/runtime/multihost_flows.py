"""The workflow of the multi-host test: which host ran each of its two actions.

Each host's `start-workers` sets `WM_HOST`; an action reports the host it ran on. The second
action waits for a gate file, so the test decides when instances may finish.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from waymark import Workflow, action, workflow


@action
async def where() -> str:
    return os.environ.get("WM_HOST", "?")


@action
async def where_after(gate: str) -> str:
    """The host, once the file `gate` exists."""
    while not Path(gate).exists():
        await asyncio.sleep(0.05)
    return os.environ.get("WM_HOST", "?")


@workflow
class TwoPlaces(Workflow):
    """A quick action, then one that waits for `gate`: the hosts that ran them."""

    async def run(self, gate: str) -> list[str]:
        first = await where()
        second = await where_after(gate)
        return [first, second]
