from waymark import Workflow, workflow


@workflow
class YieldWorkflow(Workflow):
    async def run(self, xs: list[int]) -> None:
        for x in xs:
            yield x  # error: WM110 @13
        total = sum(self.running(xs))

    def running(self, xs: list[int]) -> object:
        for x in xs:
            sent = yield x  # error: WM110 @20
            xs.append(sent)
