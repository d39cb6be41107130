from functools import cmp_to_key

from waymark import Workflow, workflow


@workflow
class CompareKeyWorkflow(Workflow):
    async def run(self, values: list[int]) -> list[object]:
        compare = lambda a, b: b - a  # noqa: E731
        ordered = sorted(values, key=cmp_to_key(compare))
        inline = sorted(values, key=cmp_to_key(lambda a, b: a - b))  # error: WM111 @48
        return [ordered, inline]
