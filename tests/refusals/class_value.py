from pydantic import BaseModel

from waymark import Workflow, workflow


class Order(BaseModel):
    id: str


@workflow
class KindWorkflow(Workflow):
    async def run(self, value: object) -> object:
        kind = Order  # error: WM144 @16
        return isinstance(value, kind)  # error: WM144 @34
