from waymark import Workflow, workflow


@workflow
class YieldTargetWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[int]:
        return list(self.spliced(xs))

    def spliced(self, xs: list[int]) -> object:
        xs[0:1] += (yield)  # error: WM105 @21
        first, xs[(yield)] = 1, 2  # error: WM105 @9
        yield first
