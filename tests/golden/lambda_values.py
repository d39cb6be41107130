"""An unnamed lambda kept in a dict is named before its statement and is a closure over its cells."""

from waymark import Workflow, action, workflow


@action
async def record(total: int) -> int:
    return total


@workflow
class Handlers(Workflow):
    async def run(self, k: int) -> int:
        handlers = {"add": lambda x: x + k}
        k = 10
        return await record(handlers["add"](1))
