from waymark import Workflow, workflow


@workflow
class ExpressionStatementsWorkflow(Workflow):
    async def run(self, xs: list[int]) -> list[int]:
        xs.append(1)
        xs.reverse()
        self.record(xs)
        len(xs)
        xs[0]
        return xs

    def record(self, xs: list[int]) -> None:
        xs.append(len(xs))
