from waymark import Workflow, action, workflow

RECIPIENTS = sorted({"ops@example.com"})
ATTEMPTS = 0
ATTEMPTS += 1
HANDLERS: dict[str, str] = {}


def register(name: str) -> None:
    HANDLERS[name] = name.upper()


@action
async def notify(to: list[str]) -> None:
    return None


@workflow
class NotifyWorkflow(Workflow):
    async def run(self) -> int:
        await notify(RECIPIENTS)  # error: WM122 @22
        if "x" in HANDLERS:  # error: WM122 @19
            return 0
        return ATTEMPTS  # error: WM122 @16
