from waymark import Workflow, workflow


@workflow
class WithParameters(Workflow):
    def __init__(self, limit: int = 3) -> None:  # error: WM108 @18
        self.limit = limit

    async def run(self) -> int:
        return 0


@workflow
class WithComputedConfig(Workflow):
    def __init__(self) -> None:
        self.items = []  # error: WM108 @22
        self.total = len("abc")  # error: WM108 @22
        print("configured")  # error: WM108 @9

    async def run(self) -> int:
        return len(self.items)  # error: WM108 @20
