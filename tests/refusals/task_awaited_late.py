import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class LateTaskWorkflow(Workflow):
    async def run(self, key: str) -> object:
        task = asyncio.ensure_future(fetch(key))  # error: WM104 @16
        first = await fetch("other")
        last = await task  # error: WM102 @22
        return first, last
