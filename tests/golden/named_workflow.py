from waymark import Workflow, workflow


@workflow
class NamedWorkflow(Workflow):
    name = "nightly_report"

    async def run(self) -> str:
        return "ok"


@workflow
class AnnotatedNameWorkflow(Workflow):
    name: str = "weekly_report"

    async def run(self) -> str:
        return "ok"
