import functools

from waymark import Workflow, workflow


@workflow
class Report:  # error: WM140 @7
    async def run(self) -> int:
        return 1


@workflow
class Helpers(Workflow):
    async def run(self) -> int:
        return self.total()

    @functools.cache  # error: WM140 @5
    def total() -> int:  # error: WM125 @9
        return 1
