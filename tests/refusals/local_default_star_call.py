from waymark import Workflow, workflow


@workflow
class StarCallWorkflow(Workflow):
    async def run(self, rate: float, prices: list[float]) -> list[float]:
        def scaled(price: float, by: float = rate) -> float:
            return price * by

        def fixed(price: float, *, by: float = 2.0) -> float:
            return price * by

        args = [prices[0]]
        first = scaled(*args)  # error: WM126 @17
        second = fixed(*args)
        return [first, second, scaled(prices[1]), scaled(1.0, by=3.0)]
