from waymark import Workflow, workflow


@workflow
class KeyWorkflow(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        by_length = sorted(names, key=len)
        lowered = sorted(names, key=str.lower)  # error: WM142 @37
        measure = len  # error: WM142 @19
        return [by_length, lowered, measure]
