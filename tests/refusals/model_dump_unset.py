from pydantic import BaseModel

from waymark import Workflow, workflow


class Order(BaseModel):
    id: int
    note: str | None = None


@workflow
class DumpsSetFields(Workflow):
    async def run(self, order: Order) -> object:
        everything = order.model_dump(mode="json")
        sent = order.model_dump(exclude_unset=True)  # error: WM141 @33
        return [everything, sent]
