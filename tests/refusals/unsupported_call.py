import functools

from tests.parity.cases.module_functions import depth
from waymark import Workflow, workflow


@functools.cache
def compute_total(xs: tuple[int, ...]) -> int:
    return sum(xs)


@workflow
class TotalWorkflow(Workflow):
    async def run(self, xs: list[int]) -> int:
        total = compute_total(tuple(xs))  # error: WM101 @17
        return total + depth(len(xs))  # error: WM101 @24
