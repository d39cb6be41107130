from waymark import Workflow, action, workflow

RECIPIENTS = ["ops@example.com"]
ATTEMPTS = 0
ATTEMPTS += 1


@action
async def notify(to: list[str]) -> None:
    return None


@workflow
class NotifyWorkflow(Workflow):
    async def run(self) -> int:
        await notify(RECIPIENTS)  # error: WM122 @22
        return ATTEMPTS  # error: WM122 @16
