from waymark import Workflow, workflow


@workflow
class FormatWorkflow(Workflow):
    async def run(self, name: str, count: int, template: str) -> list[str]:
        hello = "hello {}".format(name)
        computed = "{}".format(name.upper())  # error: WM138 @20
        unused = "{}".format(name, count)  # error: WM138 @18
        dynamic = template.format(name)  # error: WM138 @19
        mixed = "{} {0}".format(name)  # error: WM138 @17
        return [hello, computed, unused, dynamic, mixed]
