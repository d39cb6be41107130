import asyncio

from waymark import Workflow, action, workflow


@action
async def ledger(seller: str, kind: str) -> list[str]:
    return [f"{seller}:{kind}"]


@workflow
class NestedGather(Workflow):
    async def run(self, sellers: list[str]) -> object:
        return await asyncio.gather(
            asyncio.gather(*(ledger(s, "sale") for s in sellers)),  # error: WM130 @13
            asyncio.gather(*(ledger(s, "refund") for s in sellers)),  # error: WM130 @13
        )
