from waymark import Workflow, workflow


@workflow
class ClosureValue(Workflow):
    async def run(self, rates: dict[str, float], n: int) -> list[object]:
        def scaled(value: float) -> float:
            return value * n

        chosen = scaled  # a closure: `n` is read through its cell
        try:
            n = int(rates["n"])
        except KeyError as n:  # error: WM115 @28
            pass
        makers = list(lambda: i for i in range(3))  # error: WM111 @23
        defaulted = [lambda i=n: i]  # error: WM111 @22
        return [chosen(1.0), sorted(rates.values(), key=scaled), makers, defaulted]
