from waymark import Workflow, action, workflow


@action
async def check(x: int) -> bool:
    return x > 2


@workflow
class SearchWorkflow(Workflow):
    async def run(self, xs: list[int]) -> int:
        found = -1
        for x in xs:
            if x < 0:
                continue
            ok = await check(x)
            if ok:
                found = x
                break
        for row in [[1, 2], [3, 4]]:
            for cell in row:
                if cell == 3:
                    break
                found += cell
            else_marker = row
        return found
