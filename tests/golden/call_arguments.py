from waymark import Workflow, action, workflow


@action
async def notify(*channels: str, **fields: str) -> int:
    return len(channels) + len(fields)


@workflow
class ArgumentsWorkflow(Workflow):
    async def run(self, channels: list[str], fields: dict[str, str]) -> int:
        first = await notify("email", "sms", subject="hi")
        second = await notify(*channels, "push", **fields, extra="1")
        return first + second
