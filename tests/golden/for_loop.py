from waymark import Workflow, action, workflow


@action
async def process(index: int, item: str) -> int:
    return index


@workflow
class LoopWorkflow(Workflow):
    async def run(self, items: list[str], weights: list[int]) -> list[int]:
        results: list[int] = []
        for index, item in enumerate(items):
            value = await process(index, item)
            results.append(value)
        total = 0
        for i in range(len(items)):
            total += i
        for item, weight in zip(items, weights):
            results.append(len(item) * weight)
        for n in range(10, 0, -3):
            results.append(n)
        results.append(total)
        return results
