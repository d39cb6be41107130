import functools

from waymark import Workflow, workflow


@workflow
class NestedWorkflow(Workflow):
    async def run(self, xs: list[int], rate: int) -> list[int]:
        @functools.cache
        def double(x: int) -> int:  # error: WM115 @13
            return x * 2

        def bump() -> None:  # error: WM115 @13
            global COUNT
            COUNT += 1

        def twice(x: int) -> int:  # error: WM115 @13
            return x * 2

        def twice(x: int) -> int:  # error: WM115 @13
            return x * 3

        def scaled(x: int) -> int:
            return x * rate

        def plain(x: int) -> int:
            return -x

        return sorted(xs, key=scaled) + sorted(xs, key=plain)  # both are keys

    @staticmethod
    def tool(x: int) -> int:
        def inner(y: int) -> int:  # error: WM115 @13
            return y

        return inner(x)
