"""Closures kept as values read and write their variables through cells (late binding, `nonlocal`)."""

from waymark import Workflow, action, workflow


@action
async def record(total: int) -> int:
    return total


def tally(start: int) -> list[object]:
    total = start

    def add(n: int) -> int:
        nonlocal total
        total += n
        return total

    return [add, lambda_free]


def lambda_free(n: int) -> int:
    return n


@workflow
class Tally(Workflow):
    async def run(self, items: list[int]) -> int:
        offset = 0
        shifted = lambda n: n + offset  # noqa: E731
        made = [shifted]
        offset = 5
        await record(0)
        add, _ = tally(made[0](1))
        for item in items:
            add(item)
        return await record(add(0))
