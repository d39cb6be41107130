"""A generator that reads itself while its body runs: CPython's `ValueError: generator already
executing`, caught in the body, which goes on; a later exception caught there has none of it
as its context."""

from __future__ import annotations

from waymark import Workflow, workflow


def numbers_of(holder: list[object]) -> object:
    yield 1
    try:
        yield next(holder[0])  # type: ignore[call-overload]
    except ValueError as error:
        yield f"caught {error}"
    try:
        int("x")
    except ValueError as error:
        yield f"inner {error.__context__!r}"


@workflow
class SelfRead(Workflow):
    async def run(self, n: int) -> object:
        holder: list[object] = []
        numbers = numbers_of(holder)
        holder.append(numbers)
        return [x for x in numbers] + [n]  # type: ignore[attr-defined]
