from waymark import Workflow, action, workflow


@action
async def score(x: int) -> int:
    return x


@workflow
class AugmentedWorkflow(Workflow):
    async def run(self, xs: list[int], table: dict[str, int]) -> list[object]:
        total = 0
        text = ""
        for x in xs:
            total += x
            total -= 1
            total *= 2
            total //= 3
            total %= 1000
            total **= 1
            total |= 1
            total &= 0xFF
            total ^= 2
            total <<= 1
            total >>= 1
            text += str(x)
        ratio = 10
        ratio /= 4
        table["count"] += 1
        xs[0] += 5
        total += await score(total)
        return [total, text, ratio, table, xs]
