import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class NestedGatherFlags(Workflow):
    async def run(self, keys: list[str], keep: bool) -> object:
        first = await asyncio.gather(asyncio.gather(fetch("a"), return_exceptions=True), fetch("b"))  # error: WM130 @38
        second = await asyncio.gather(asyncio.gather(asyncio.gather(fetch("c"))), fetch("d"))  # error: WM130 @39
        third = await asyncio.gather(asyncio.gather(fetch("e")), return_exceptions=keep)  # error: WM130 @23
        return first, second, third
