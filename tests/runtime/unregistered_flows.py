"""A child workflow whose version no test registers through a client: roots that call it are
created as a schedule creates them (their own version only), so the child has no version to run
until a test registers one."""

from __future__ import annotations

from waymark import ChildWorkflowError, Workflow, workflow


@workflow
class Unregistered(Workflow):
    async def run(self, n: int) -> int:
        return n + 1


@workflow
class NeedsUnregistered(Workflow):
    async def run(self, n: int) -> int:
        value = await Unregistered().run(n=n)
        return value


@workflow
class CatchesUnregistered(Workflow):
    async def run(self, n: int) -> str:
        try:
            value = await Unregistered().run(n=n)
        except ChildWorkflowError as error:
            return f"refused: {error}"
        return f"got {value}"


@workflow
class DetachesUnregistered(Workflow):
    async def run(self, n: int) -> str:
        try:
            child = await Unregistered().run(n=n, _blocking=False)
        except ChildWorkflowError as error:
            return f"refused: {error}"
        return f"started {child}"
