from waymark import Workflow, workflow


@workflow
class YieldWorkflow(Workflow):
    async def run(self, xs: list[int]) -> None:
        for x in xs:
            yield x  # error: WM110 @13
