import asyncio

from waymark import Workflow, action, workflow


@action
async def fetch(path: str) -> int:
    return len(path)


def keep(group: object) -> None:
    pass


@workflow
class GroupShapes(Workflow):
    async def run(self, paths: list[str]) -> int:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fetch(paths[0]))  # error: WM104 @13
            tg.create_task(self.size(paths[0]), name="first")  # error: WM104 @13
            keep(tg)  # error: WM112 @18
        async with asyncio.TaskGroup() as tg:
            for path in paths:
                if not path:
                    continue
                tg.create_task(self.size(path))
            if not paths:
                return 0
        keep(tg)  # error: WM112 @14
        return len(paths)

    async def size(self, path: str) -> int:
        return await fetch(path)
