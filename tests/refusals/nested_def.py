from waymark import Workflow, workflow


@workflow
class NestedWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[int]:
        def double(x: int) -> int:  # error: WM115 @13
            return x * 2

        return xs
