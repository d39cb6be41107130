import random

from waymark import Workflow, action, workflow


@action
async def send_email(to: str) -> None:
    return None


@workflow
class ManyProblemsWorkflow(Workflow):
    async def run(self, to: str) -> None:
        self.run = to  # error: WM107 @9
        if random.random() > 0.5:  # error: WM103 @12
            send_email(to)  # error: WM106 @13
        await send_emails(to)  # error: WM124 @15
