"""An exception's `__context__` and `__cause__` are the objects the workflow holds under other
names, after an await as before it (and after the instance is loaded again from its state):
`second.__context__ is first`, and a change to `first` shows through the chain."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


@action
async def tick(n: int) -> int:
    return n


@action
async def refuse(n: int) -> int:
    raise LookupError(f"no {n}")


@workflow
class ChainIdentity(Workflow):
    async def run(self, n: int) -> list[object]:
        try:
            raise ValueError("first")
        except ValueError as caught:
            first = caught
            try:
                raise KeyError("second")
            except KeyError as inner:
                second = inner
        try:
            raise RuntimeError("third") from first
        except RuntimeError as outer:
            third = outer
        before = [second.__context__ is first, third.__cause__ is first]
        await tick(n)
        after = [
            second.__context__ is first,
            third.__cause__ is first,
            third.__cause__ is second.__context__,
            third.__context__ is None,
        ]
        first.args = ("changed",)
        try:
            await refuse(n)
        except LookupError as failed:
            try:
                raise TypeError("wrapped") from failed
            except TypeError as wrapped:
                kept = [failed, wrapped]
        await asyncio.sleep(0)
        later = [kept[1].__cause__ is kept[0], kept[1].__context__ is kept[0], str(kept[0])]
        return [before, after, str(second.__context__), str(third.__cause__), later]
