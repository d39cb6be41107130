from waymark import Workflow, workflow


@workflow
class ImportWorkflow(Workflow):
    async def run(self, text: str) -> object:
        import json  # error: WM114 @9

        return json
