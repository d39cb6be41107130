from waymark import Workflow, action, workflow


@action
async def fetch(key: str) -> str:
    return key


@workflow
class StoredCoroutineWorkflow(Workflow):
    async def run(self, key: str) -> str:
        pending = fetch(key)  # error: WM106 @19
        if key:
            return await pending  # error: WM102 @26
        return key
