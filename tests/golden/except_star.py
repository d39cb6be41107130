import asyncio

from waymark import Workflow, action, workflow


@action
async def charge(amount: int) -> int:
    if amount < 0:
        raise ValueError(amount)
    return amount


@workflow
class ExceptStarWorkflow(Workflow):
    async def run(self, amounts: list[int]) -> list[str]:
        notes: list[str] = []
        try:
            async with asyncio.timeout(30) as bound:
                async with asyncio.TaskGroup() as tg:
                    for amount in amounts:
                        tg.create_task(self.pay(amount))
        except* ValueError as eg:
            notes.append(str(len(eg.exceptions)))
            late, rest = eg.split(TypeError)
            notes.append(repr(late is None and rest is eg))
        except* TimeoutError:
            raise
        else:
            notes.append("paid")
        finally:
            notes.append(str(bound.expired()))
        return notes

    async def pay(self, amount: int) -> int:
        return await charge(amount)
