from waymark import Workflow, action, workflow


class Strategy(dict[str, int]):  # a builtin base: not a plain class of the user's code
    def __init__(self, rate: int) -> None:
        super().__init__(rate=rate)

    def apply(self, x: int) -> int:
        return x * self["rate"]


@action
async def one() -> int:
    return 1


@workflow
class PlainClass(Workflow):
    async def run(self) -> int:
        n = await one()
        return Strategy(2).apply(n)  # error: WM101 @16
