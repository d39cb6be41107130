from waymark import Workflow, workflow


@workflow
class SliceWorkflow(Workflow):
    async def run(self, xs: list[int], n: int) -> list[object]:
        head = xs[:n]
        tail = xs[n:]
        middle = xs[1:-1]
        stepped = xs[::2]
        reverse = xs[::-1]
        window = xs[n : n + 3 : 1]
        copy = xs[:]
        xs[1:3] = [0, 0]
        return [head, tail, middle, stepped, reverse, window, copy, xs]
