from waymark import Workflow, workflow


@workflow
async def report() -> int:  # error: WM140 @11
    return 1


@workflow
class Static(Workflow):
    @staticmethod  # error: WM140 @5
    async def run(limit: int) -> int:
        return limit


@workflow
class Class(Workflow):
    @classmethod  # error: WM140 @5
    async def run(cls, limit: int) -> int:
        return limit
