from waymark import Workflow, workflow


@workflow
class HelperWorkflow(Workflow):
    async def run(self, xs: list[int]) -> int:
        return self.totl(xs)  # error: WM135 @16

    def total(self, xs: list[int]) -> int:
        return sum(xs)
