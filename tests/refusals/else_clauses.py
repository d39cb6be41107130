from waymark import Workflow, workflow


@workflow
class ElseWorkflow(Workflow):
    async def run(self, xs: list[int]) -> int:
        for x in xs:
            if x:
                break
        else:  # error: WM117 @9
            return 0
        while xs:
            xs.pop()
        else:  # error: WM117 @9
            pass
        try:
            y = xs[0]
        except IndexError:
            y = 1
        else:  # error: WM117 @9
            y = 2
        return y
