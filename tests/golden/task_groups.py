import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(path: str) -> int:
    return len(path)


@workflow
class GroupedSizes(Workflow):
    async def run(self, paths: list[str]) -> list[int]:
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = [tg.create_task(self.size(p)) for p in paths]
                first = await fetch(paths[0])
        except ExceptionGroup as eg:
            return [len(eg.exceptions)]
        return [first, await self.first_size(paths), *[await t for t in tasks]]

    async def size(self, path: str) -> int:
        return await fetch(path)

    async def first_size(self, paths: list[str]) -> int:
        async with asyncio.TaskGroup() as tg:
            for path in paths:
                if path:
                    tg.create_task(self.size(path))
                    return await fetch(path)
        return 0
