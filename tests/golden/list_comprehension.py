from waymark import Workflow, action, workflow


@action
async def fetch(n: int) -> list[dict[str, int]]:
    return []


@workflow
class ComprehensionWorkflow(Workflow):
    async def run(self, n: int) -> list[object]:
        rows = await fetch(n)
        ids = [row["id"] for row in rows]
        big = [row["id"] * 2 for row in rows if row["size"] > 10 if row["id"]]
        grid = [(x, y) for x in range(n) for y in range(x)]
        nested = [[c for c in range(r)] for r in range(n)]
        shadow = [n for n in ids]
        return [ids, big, grid, nested, shadow, n]
