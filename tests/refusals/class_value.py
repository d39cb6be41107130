from pydantic import BaseModel

from waymark import Workflow, workflow


class Order(BaseModel):
    id: str


class Registry(dict[str, str]):  # a builtin base: a class the workflow does not construct
    pass


@workflow
class KindWorkflow(Workflow):
    async def run(self, value: object) -> object:
        kind = Registry  # error: WM144 @16
        copied = Order.model_copy(value)  # error: WM144 @18
        built = Order.model_validate(value, strict=True)  # error: WM144 @17
        mixed = isinstance(value, (str, bytes) | Order)  # error: WM144 @36
        return [isinstance(value, kind), copied, built, mixed]
