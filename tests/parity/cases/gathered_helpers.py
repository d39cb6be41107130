"""Async helper methods as `asyncio.gather` items: each runs as a task of its own, the tasks
interleave at their awaits, results come back in argument order and exceptions propagate as
`asyncio.gather` propagates them."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


class EnrichError(ValueError):
    pass


@action
async def fetch(key: str) -> str:
    return f"<{key}>"


@action
async def score(text: str) -> int:
    return len(text) * 10


@action
async def refuse(key: str) -> str:
    raise EnrichError(f"cannot enrich {key}")


@workflow
class TwoHelpers(Workflow):
    """Two helpers, each awaiting two actions, gathered."""

    async def run(self, a: str, b: str) -> list[object]:
        first, second = await asyncio.gather(self.enrich(a), self.enrich(b))
        return [first, second]

    async def enrich(self, key: str) -> dict[str, object]:
        text = await fetch(key)
        points = await score(text)
        return {"key": key, "text": text, "points": points}


@workflow
class HelpersWithSleeps(Workflow):
    async def run(self, delays: list[int]) -> list[str]:
        return await asyncio.gather(*[self.later(i, d) for i, d in enumerate(delays)])

    async def later(self, index: int, delay: int) -> str:
        await asyncio.sleep(delay)
        text = await fetch(str(index))
        await asyncio.sleep(delay)
        return f"{index}:{text}"


@workflow
class HelperRaises(Workflow):
    """One helper raises: the parent sees the exception, in its own `try`."""

    async def run(self, keys: list[str]) -> str:
        try:
            values = await asyncio.gather(*[self.checked(k) for k in keys])
        except EnrichError as error:
            return f"caught: {error}"
        return f"all: {values}"

    async def checked(self, key: str) -> str:
        text = await fetch(key)
        if key.startswith("x"):
            return await refuse(key)
        return text


@workflow
class HelperRaisesUncaught(Workflow):
    async def run(self, keys: list[str]) -> list[str]:
        return await asyncio.gather(*[self.checked(k) for k in keys])

    async def checked(self, key: str) -> str:
        if key == "boom":
            raise EnrichError("boom before any await")
        return await fetch(key)


@workflow
class HelperReturnExceptions(Workflow):
    async def run(self, keys: list[str]) -> list[str]:
        results = await asyncio.gather(*[self.checked(k) for k in keys], return_exceptions=True)
        return [f"error {r}" if isinstance(r, EnrichError) else f"ok {r}" for r in results]

    async def checked(self, key: str) -> str:
        text = await fetch(key)
        if key.startswith("x"):
            raise EnrichError(f"bad {text}")
        return text


@workflow
class NestedHelpers(Workflow):
    """Helpers gathering helpers that await other helpers."""

    async def run(self, groups: list[list[str]]) -> list[object]:
        return await asyncio.gather(*[self.group(i, g) for i, g in enumerate(groups)])

    async def group(self, index: int, keys: list[str]) -> dict[str, object]:
        parts = await asyncio.gather(*[self.leaf(k) for k in keys], self.leaf(str(index)))
        total = await self.total(parts)
        return {"index": index, "parts": parts, "total": total}

    async def leaf(self, key: str) -> str:
        return await fetch(key)

    async def total(self, parts: list[str]) -> int:
        points = 0
        for part in parts:
            points += await score(part)
        return points


@workflow
class MixedHelpersAndActions(Workflow):
    async def run(self, keys: list[str]) -> list[object]:
        results = await asyncio.gather(
            fetch("plain"),
            self.enrich(keys[0]),
            *[score(k) for k in keys],
            *[self.enrich(k) for k in keys],
        )
        return list(results)

    async def enrich(self, key: str) -> str:
        text = await fetch(key)
        return text + str(await score(text))


@workflow
class SharedValueAcrossHelpers(Workflow):
    """Helpers appending to one list the parent owns: the list is one value across tasks."""

    async def run(self, keys: list[str]) -> list[str]:
        seen: list[str] = []
        await asyncio.gather(*[self.note(k, seen) for k in keys])
        return sorted(seen)

    async def note(self, key: str, seen: list[str]) -> None:
        seen.append(await fetch(key))


@workflow
class HelperWithoutAwait(Workflow):
    async def run(self, n: int) -> list[int]:
        return await asyncio.gather(self.plain(n), self.plain(n + 1), self.slept(n))

    async def plain(self, n: int) -> int:
        return n * 2

    async def slept(self, n: int) -> int:
        await asyncio.sleep(0)
        return n
