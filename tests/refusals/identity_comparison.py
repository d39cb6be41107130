from enum import Enum

from waymark import Workflow, action, workflow


class Status(Enum):
    PAID = "paid"


@action
async def load(order_id: str) -> list[str]:
    return []


@workflow
class IdentityWorkflow(Workflow):
    async def run(self, order_id: str, status: Status) -> list[bool]:
        first = await load(order_id)
        second = await load(order_id)
        allowed = [first is None, first is not None, status is Status.PAID, True is not first,
                   first is second]  # fmt: skip
        same = order_id is "x"  # error: WM149 @16
        kind = type(first)
        other = type(second) if second else type(status)
        changing = type(first)
        for changing in first:
            pass
        classes = [kind is other, other is not kind, kind is Status]
        loop = changing is kind  # a class on one side: allowed
        loop_only = changing is f"{first}"  # error: WM149 @21
        return [same, *allowed, 0 < len(first) is not second, *classes, loop, loop_only]  # error: WM149 @33
