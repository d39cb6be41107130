"""Workflows whose plain-class instances try to leave the workflow (`test_plain_instances`)."""

from __future__ import annotations

from waymark import ValueNotSerializable, Workflow, action, workflow


class Box:
    def __init__(self, size: int) -> None:
        self.size = size


@action
async def measure(box: object) -> int:
    return 1


@action
async def pack(size: int) -> object:
    return Box(size)


@workflow
class ReturnsBox(Workflow):
    async def run(self) -> object:
        return {"box": Box(1)}


@workflow
class SendsBox(Workflow):
    async def run(self) -> object:
        return await measure(Box(2))


@workflow
class ReceivesBox(Workflow):
    async def run(self) -> object:
        try:
            return await pack(3)
        except ValueNotSerializable as error:
            return str(error)


@workflow
class ShowsBox(Workflow):
    async def run(self) -> object:
        box = Box(4)
        await measure(box.size)
        return [repr(box), f"{box}", box == box, box == Box(4), box.size]


@workflow
class TakesBox(Workflow):
    async def run(self, box: object) -> object:
        return 1
