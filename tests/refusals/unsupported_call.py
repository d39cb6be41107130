from collections.abc import Callable
from shutil import which
from typing import Any

from waymark import Workflow, workflow


def traced(func: Callable[..., Any]) -> Callable[..., Any]:
    return func


@traced
def compute_total(xs: tuple[int, ...]) -> int:
    return sum(xs)


@workflow
class TotalWorkflow(Workflow):
    async def run(self, xs: list[int]) -> int:
        total = compute_total(tuple(xs))  # error: WM101 @17
        return total + len(which("sh") or "")  # error: WM101 @28
