"""A task started of a conditional of calls: `asyncio.ensure_future(failing(n) if bad else
step(n))` evaluates the test and the chosen call's arguments where the task is started (the
other branch's never: `names[1]` of one name would raise), then runs that call as a task, as CPython does."""

from __future__ import annotations

import asyncio

from tests.parity.cases.logged import failing, log, reset, step
from waymark import Workflow, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@workflow
class ChosenTasks(Workflow):
    async def checked(self, name: str) -> str:
        return await step(f"checked {name}")

    async def run(self, names: list[str]) -> list[object]:
        tasks = [
            asyncio.ensure_future(failing(n) if n.startswith("bad") else step(n)) for n in names
        ]
        helper = asyncio.create_task(
            self.checked(names[1]) if len(names) > 1 else self.checked("alone")
        )
        out: list[object] = [await step("main")]
        for task in tasks:
            try:
                out.append(await task)
            except ValueError as error:
                out.append(f"failed {error}")
        out.append(await helper)
        return [out, await log()]
