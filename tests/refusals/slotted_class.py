from waymark import Workflow, action, workflow


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class Labelled(Point):  # a subclass of a slotted class has no plain `__dict__` of its own
    pass


KINDS = {"point": Point}  # a table of classes that holds a slotted one


def describe(kind: type) -> str:
    return kind.__name__


@action
async def one() -> int:
    return 1


@workflow
class SlottedClass(Workflow):
    async def run(self) -> list[object]:
        n = await one()
        point = Point(n, 2)  # error: WM101 @17
        labelled = Labelled(n, 3)  # error: WM101 @20
        kind = Point  # error: WM101 @16
        name = describe(Labelled)  # error: WM101 @25
        table = KINDS  # error: WM101 @17
        return [point.x + labelled.y, kind, name, table]
