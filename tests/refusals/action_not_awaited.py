from waymark import Workflow, action, workflow


@action
async def send_email(to: str) -> None:
    return None


@workflow
class ForgetfulWorkflow(Workflow):
    async def run(self, to: str) -> None:
        send_email(to)  # error: WM106 @9
