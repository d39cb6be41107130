from waymark import Workflow, workflow


@workflow
class SortWorkflow(Workflow):
    async def run(self, users: list[dict[str, int]]) -> list[dict[str, int]]:
        return sorted(users, key=lambda u: u["age"])  # error: WM111 @34
