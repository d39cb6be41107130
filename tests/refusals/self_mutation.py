from waymark import Workflow, workflow


@workflow
class CounterWorkflow(Workflow):
    LIMIT = 3

    async def run(self, n: int) -> int:
        self.count = n
        self.LIMIT = n  # error: WM107 @9
        self.bump = n  # error: WM107 @9
        self.__dict__ = {}  # error: WM107 @9
        self = n  # error: WM107 @9
        return n

    def bump(self) -> None:
        pass

    @classmethod
    def reset(cls) -> None:
        cls.count = 0  # error: WM107 @9
