import calendar

from waymark import Workflow, workflow


def label(month: int, names: list[str] = calendar.month_name) -> str:  # error: WM126 @42
    return names[month]


@workflow
class MonthLabel(Workflow):
    async def run(self, month: int = 1) -> str:
        return label(month)
