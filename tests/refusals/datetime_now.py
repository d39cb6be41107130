from datetime import datetime

from waymark import Workflow, workflow


@workflow
class ClockWorkflow(Workflow):
    async def run(self) -> str:
        now = datetime.now()  # error: WM103 @15
        return now.isoformat()
