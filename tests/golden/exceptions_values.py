from waymark import Workflow, action, workflow


class QuotaExceeded(Exception):
    pass


@action
async def consume(n: int) -> int:
    return n


@workflow
class ExceptionValuesWorkflow(Workflow):
    async def run(self, n: int) -> list[object]:
        error = QuotaExceeded("limit", n)
        other = ValueError()
        try:
            await consume(n)
        except Exception as caught:
            return [caught.args, str(caught), caught]
        return [error.args, str(error), other]
