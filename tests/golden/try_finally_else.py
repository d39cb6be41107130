from waymark import Workflow, action, workflow


@action
async def step(name: str) -> str:
    return name


@workflow
class TryFinallyElseWorkflow(Workflow):
    async def run(self, items: list[int]) -> object:
        for item in items:
            try:
                if item == 0:
                    continue
                if item < 0:
                    break
                await step(str(item))
            finally:
                await step("cleanup")
        else:
            await step("no break")
        try:
            value = items[0]
        except IndexError:
            value = -1
        else:
            value += 1
        try:
            return value
        finally:
            await step("done")
