from waymark import Workflow, workflow


def compute_total(xs: list[int]) -> int:
    return sum(xs)


@workflow
class TotalWorkflow(Workflow):
    async def run(self, xs: list[int]) -> int:
        total = compute_total(xs)  # error: WM101 @17
        return total
