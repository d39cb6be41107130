from enum import Enum

from waymark import Workflow, workflow


class Color(Enum):
    RED = "red"


@workflow
class ParseWorkflow(Workflow):
    async def run(self, raw: str) -> object:
        return Color(raw)  # error: WM145 @16
