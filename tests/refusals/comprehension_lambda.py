from waymark import Workflow, workflow


@workflow
class ComprehensionLambda(Workflow):
    async def run(self, xs: list[int]) -> object:
        lazy = list(lambda: x for x in xs)  # error: WM111 @21
        named = [lambda: x for x in xs if (y := x)]  # error: WM111 @18
        made = [lambda: x for x in xs]
        return lazy, named, made, y
