from waymark import Workflow, workflow

LIMIT = 10
RATE = 0.25
GREETING = "hello " "world"
ENABLED = True
NOTHING = None
SIZES = ("s", "m", ("l", "xl"))
NEGATIVE = -1
COMPUTED = 60 * 60
ALIAS = LIMIT


@workflow
class ConstantsWorkflow(Workflow):
    async def run(self, n: int) -> list[object]:
        capped = min(n, LIMIT)
        return [capped * RATE, GREETING, ENABLED, NOTHING, SIZES, NEGATIVE, COMPUTED, ALIAS]
