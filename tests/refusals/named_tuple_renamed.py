from collections import namedtuple

from waymark import Workflow, workflow

P = namedtuple("Point", "x y")
Q = namedtuple("Point", "x y z")
Line = namedtuple("Row", "sku qty")
Row = {"sku": "a"}


@workflow
class Points(Workflow):
    async def run(self, n: int) -> list:
        first = P(n, 2)  # error: WM101 @17
        line = Line("a", n)  # error: WM101 @16
        return [first, line]
