from waymark import Workflow, action, workflow


class Strategy:
    def __init__(self, rate: int) -> None:
        self.rate = rate

    def apply(self, x: int) -> int:
        return x * self.rate


@action
async def one() -> int:
    return 1


@workflow
class PlainClass(Workflow):
    async def run(self) -> int:
        n = await one()
        return Strategy(2).apply(n)  # error: WM101 @16
