from waymark import Workflow, workflow


@workflow
class EmptyBlocksWorkflow(Workflow):
    async def run(self, xs: list[int]) -> None:
        for x in xs:
            pass
        if xs:
            pass
        else:
            pass
        try:
            pass
        except ValueError:
            pass
