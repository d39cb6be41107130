from functools import cmp_to_key

from waymark import Workflow, workflow


def by_size(a: int, b: int) -> int:
    return a - b


@workflow
class CompareKeyWorkflow(Workflow):
    async def run(self, values: list[int]) -> list[object]:
        compare = lambda a, b: b - a  # noqa: E731
        ordered = sorted(values, key=cmp_to_key(compare))
        inline = sorted(values, key=cmp_to_key(lambda a, b: a - b))  # error: WM111 @48
        largest = max(values, key=cmp_to_key(by_size))  # error: WM142 @46
        return [ordered, inline, largest]
