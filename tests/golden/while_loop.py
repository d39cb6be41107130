import asyncio

from waymark import Workflow, action, workflow


@action
async def poll(job_id: str) -> str:
    return "done"


@workflow
class PollingWorkflow(Workflow):
    async def run(self, job_id: str, limit: int = 5) -> str:
        status = "pending"
        attempts = 0
        while status != "done" and attempts < limit:
            status = await poll(job_id)
            attempts += 1
            if status == "failed":
                break
            await asyncio.sleep(2**attempts)
        while True:
            attempts -= 1
            if attempts <= 0:
                break
        return status
