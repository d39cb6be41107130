from waymark import Workflow, workflow


@workflow
class FormatWorkflow(Workflow):
    async def run(self, name: str, count: int, template: str) -> list[str]:
        hello = "hello {}".format(name)
        computed = "{}".format(name.upper())
        dynamic = template.format(name)
        special = "{0.__dict__}".format(name)  # error: WM138 @19
        spec = format(name, "", "extra")  # error: WM138 @16
        return [hello, computed, dynamic, special, spec]
