from waymark import Workflow, workflow


@workflow
class Report(Workflow):
    async def run(self) -> int:
        return 1


@workflow
class WeeklyReport(Workflow):  # error: WM143 @7
    name = "Report"

    async def run(self) -> int:
        return 2
