from waymark import Workflow, workflow

DECORATORS = [workflow]


def decorator_factory():  # type: ignore[no-untyped-def]
    return lambda applied: applied


@(lambda cls: workflow(cls))  # error: WM172 @3
class Lambda(Workflow):
    async def run(self) -> int:
        return 1


@decorator_factory()(workflow)  # error: WM172 @2
class Factory(Workflow):
    async def run(self) -> int:
        return 2


@DECORATORS[0]  # a warning: the compiler cannot tell what it applies
class Subscript(Workflow):
    async def run(self) -> int:
        return 3


@workflow
class Plain(Workflow):
    async def run(self) -> int:
        return 4
