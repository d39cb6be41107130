from waymark import Workflow, action, workflow


@action
async def apply(rule: object, value: int) -> int:
    return value


@workflow
class SortWorkflow(Workflow):
    async def run(self, users: list[dict[str, int]]) -> list[object]:
        ordered = sorted(users, key=lambda u: u["age"])
        pairs = sorted(users, key=lambda u, v=1: u["age"])  # error: WM142 @35
        applied = await apply(lambda x: x + 1, 3)  # error: WM111 @31
        return [ordered, pairs, applied]
