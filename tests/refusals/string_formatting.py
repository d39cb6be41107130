from waymark import Workflow, workflow


@workflow
class FormatWorkflow(Workflow):
    async def run(self, name: str, count: int) -> list[str]:
        hello = "hello {}".format(name)  # error: WM138 @17
        total = "%d items" % count  # error: WM138 @17
        return [hello, total]
