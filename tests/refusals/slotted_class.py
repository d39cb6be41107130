from waymark import Workflow, action, workflow


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class Labelled(Point):  # a subclass of a slotted class has no plain `__dict__` of its own
    pass


@action
async def one() -> int:
    return 1


@workflow
class SlottedClass(Workflow):
    async def run(self) -> int:
        n = await one()
        point = Point(n, 2)  # error: WM101 @17
        labelled = Labelled(n, 3)  # error: WM101 @20
        return point.x + labelled.y
