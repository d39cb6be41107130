from waymark import Workflow, action, workflow


@action
async def lookup(key: str) -> str | None:
    return None


@workflow
class EarlyReturnWorkflow(Workflow):
    async def run(self, keys: list[str]) -> str:
        if not keys:
            return "none"
        for key in keys:
            value = await lookup(key)
            if value is not None:
                return value
        while keys:
            return keys[0]
        return "missing"
