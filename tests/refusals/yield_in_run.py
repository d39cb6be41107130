from waymark import Workflow, workflow


@workflow
class YieldWorkflow(Workflow):
    async def run(self, xs: list[int]) -> None:
        for x in xs:
            yield x  # error: WM110 @13
        total = sum(self.running(xs)) + sum(self.closing([]))

    def running(self, xs: list[int]) -> object:
        for x in xs:
            sent = yield x  # error: WM110 @20
            xs.append(sent)

    def closing(self, log: list[str]) -> object:
        try:
            yield 1  # error: WM110 @13
        finally:
            log.append("closed")
