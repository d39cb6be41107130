import statistics
from functools import cache

from waymark import Workflow, workflow


@cache
def psi(expected: tuple[float, ...], actual: tuple[float, ...]) -> list[int]:
    cuts = statistics.quantiles(expected, n=4)

    def bucket(value: float) -> int:  # error: WM115 @9
        return sum(value > cut for cut in cuts)

    return [bucket(v) for v in actual]


@workflow
class ModuleClosureWorkflow(Workflow):
    async def run(self, xs: list[float]) -> list[int]:
        return psi(tuple(xs), tuple(xs))
