from pydantic import BaseModel

from waymark import Workflow, workflow


class Order(BaseModel):
    status: str


@workflow
class DeleteWorkflow(Workflow):
    async def run(self, cache: dict[str, int], order: Order) -> dict[str, int]:
        del cache["stale"]
        del order.status  # error: WM119 @13
        return cache
