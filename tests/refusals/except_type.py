from waymark import Workflow, workflow

ERRORS = [ValueError, KeyError]  # a list: Python's own `TypeError` at the clause


@workflow
class ExceptWorkflow(Workflow):
    async def run(self, text: str) -> int:
        try:
            return int(text)
        except ERRORS:  # error: WM133 @16
            return 0
