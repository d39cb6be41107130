from waymark import Workflow, action, workflow


@action
async def price(item: str) -> int:
    return 1


@workflow
class NestedAwaitWorkflow(Workflow):
    async def run(self, items: list[str]) -> int:
        prices = [await price(item) for item in items]
        total = sum(await price(item) for item in items)  # error: WM105 @21
        ok = 0 < len(items) < await price(items[0])
        table = {}
        first, table[await price(items[0])] = 1, 2  # error: WM105 @9
        match items:
            case [first] if await price(first) > 1:  # error: WM105 @29
                return 1
        return sum(prices) + ok + len(table) + total
