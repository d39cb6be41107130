from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> int:
    return 1


@workflow
class SubscriptAssignmentWorkflow(Workflow):
    async def run(self, keys: list[str]) -> dict[str, object]:
        table: dict[str, object] = {}
        matrix = [[0, 0], [0, 0]]
        for key in keys:
            table[key] = await fetch(key)
        matrix[0][1] = 5
        table["pair"], table["other"] = 1, 2
        return table
