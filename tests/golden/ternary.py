from waymark import Workflow, workflow


@workflow
class TernaryWorkflow(Workflow):
    async def run(self, n: int) -> list[object]:
        sign = "positive" if n > 0 else "negative" if n < 0 else "zero"
        capped = n if n < 100 else 100
        label = (n % 2 == 0) and "even" or "odd"
        return [sign, capped, label]
