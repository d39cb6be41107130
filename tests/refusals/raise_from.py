from waymark import Workflow, workflow


class OrderError(Exception):
    pass


@workflow
class RaiseFromWorkflow(Workflow):
    async def run(self, order: str) -> None:
        try:
            int(order)
        except ValueError as error:
            raise OrderError(order) from error  # error: WM118 @37
