from pydantic import BaseModel

from waymark import Workflow, workflow


class Order(BaseModel):
    id: int
    note: str | None = None


@workflow
class CopiesPartly(Workflow):
    async def run(self, order: Order) -> object:
        whole = order.copy(update={"note": "x"}, deep=True)
        part = order.copy(include={"id"})  # error: WM141 @27
        rest = order.copy(exclude={"note"})  # error: WM141 @27
        return [whole, part, rest]
