from datetime import datetime

from waymark import Workflow, workflow


class Stamp:
    def __init__(self, label: str) -> None:
        self.label = label
        self.at = datetime.now()  # error: WM103 @19


@workflow
class StampWorkflow(Workflow):
    async def run(self, label: str) -> str:
        return Stamp(label).label
