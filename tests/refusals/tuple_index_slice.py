from waymark import Workflow, workflow


@workflow
class GridWorkflow(Workflow):
    async def run(self, grid: dict[tuple[int, int], int]) -> object:
        return grid[0:2, 1]  # error: WM146 @21
