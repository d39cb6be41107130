from waymark import Workflow, workflow


@workflow
class KeyWorkflow(Workflow):
    async def run(self, names: list[str]) -> list[str]:
        return sorted(names, key=len)  # error: WM142 @34
