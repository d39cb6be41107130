from datetime import datetime

from waymark import Workflow, workflow


@workflow
class ClockWorkflow(Workflow):
    async def run(self, moment: datetime) -> str:
        now = datetime.now()  # error: WM103 @15
        local = moment.astimezone()  # error: WM103 @17
        epoch = datetime.fromtimestamp(0)  # error: WM103 @17
        return now.isoformat() + local.isoformat() + epoch.isoformat()
