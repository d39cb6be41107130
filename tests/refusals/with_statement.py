from waymark import Workflow, workflow


@workflow
class FileWorkflow(Workflow):
    async def run(self, path: str) -> None:
        with open(path) as handle:  # error: WM112 @9
            pass
