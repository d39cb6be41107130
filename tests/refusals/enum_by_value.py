from enum import Enum, auto

from waymark import Workflow, workflow


class Color(str, Enum):  # a mixin: its `auto()` values follow the mixin's own rule
    RED = auto()
    GREEN = auto()


class Shade(Enum):
    LIGHT = "light"


@workflow
class ParseWorkflow(Workflow):
    async def run(self, raw: str) -> object:
        shade = Shade(value=raw)  # error: WM145 @17
        return [Color(raw), shade]  # error: WM145 @17
