from waymark import Workflow, workflow


@workflow
class Quotas(Workflow):
    LIMIT = 2

    def __init__(self) -> None:
        self.mode = "strict"

    def plain(self) -> int:
        return 1

    @classmethod
    def limit(cls) -> int:
        base = cls.plain()  # error: WM135 @16
        return base + cls.LIMIT + len(cls.mode)  # error: WM108 @39

    async def run(self) -> list:
        return [type(self).plain(), self.limit()]  # error: WM135 @17
