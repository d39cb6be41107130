from waymark import Workflow, workflow


def build(prefix: str) -> type[Workflow]:
    @workflow
    class PrefixWorkflow(Workflow):
        async def run(self, name: str) -> str:
            return prefix + name  # error: WM122 @20

    return PrefixWorkflow
