import asyncio

from waymark import Workflow, action, workflow

DAY = 24 * 60 * 60


@action
async def remind(user_id: str) -> None:
    return None


@workflow
class ReminderWorkflow(Workflow):
    async def run(self, user_id: str, days: int) -> None:
        await asyncio.sleep(60)
        await asyncio.sleep(DAY * days)
        await asyncio.sleep(delay=0.5)
        await remind(user_id)
