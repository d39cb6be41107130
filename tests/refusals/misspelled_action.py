from waymark import Workflow, action, workflow


@action
async def send_email(to: str) -> None:
    return None


@workflow
class WelcomeWorkflow(Workflow):
    async def run(self, to: str) -> None:
        await send_emial(to)  # error: WM124 @15
