import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch() -> int:
    return 1


@workflow
class TimeoutManagerWorkflow(Workflow):
    async def run(self) -> object:
        async with asyncio.timeout(5) as cm:
            value = await fetch()
            cm.reschedule(None)  # error: WM112 @13
        deadline = cm.when()  # error: WM112 @20
        return [value, deadline, cm]  # error: WM112 @34
