from waymark import Workflow, workflow


@workflow
class ClosureValue(Workflow):
    async def run(self, rates: dict[str, float], n: int) -> list[object]:
        def scaled(value: float) -> float:
            return value * n

        chosen = scaled  # error: WM142 @18
        return [chosen, sorted(rates.values(), key=scaled)]  # a key= reads `n` when it is called
