from waymark import Workflow, workflow


@workflow
class ChainedWorkflow(Workflow):
    async def run(self, a: int, b: int, c: int) -> list[bool]:
        return [
            a < b < c,
            a <= b == c != 0,
            0 <= a < len([b, c]) > -1,
            a == b,
            not a > b,
        ]
