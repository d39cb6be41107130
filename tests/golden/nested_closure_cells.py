"""A function nested in a local function reads the method's variable through the cell it is passed."""

from waymark import Workflow, action, workflow


@action
async def record(total: int) -> int:
    return total


@workflow
class Nested(Workflow):
    async def run(self, k: int) -> int:
        def outer() -> int:
            def inner() -> int:
                return k

            return inner()

        f = outer
        k = 2
        return await record(f())
