from waymark import Workflow, action, workflow


@action
async def price(item: str) -> int:
    return 1


@workflow
class NestedAwaitWorkflow(Workflow):
    async def run(self, items: list[str]) -> int:
        total = (await price(items[0])) * 2  # error: WM105 @18
        prices = [await price(item) for item in items]  # error: WM105 @19
        return total + sum(prices)
