from enum import Enum

from waymark import Workflow, workflow


class Color(Enum):
    RED = "red"
    GREEN = "green"


@workflow
class PaintWorkflow(Workflow):
    async def run(self) -> str:
        return Color.REDD.value  # error: WM136 @22
