"""asyncio.gather over fixed calls and spreads, empty spreads, return_exceptions, failures."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


class ItemError(ValueError):
    pass


@action
async def triple(x: int) -> int:
    return 3 * x


@action
async def maybe_fail(x: int) -> int:
    if x % 3 == 0:
        raise ItemError(f"bad item {x}")
    return x + 100


@action
async def slow_fail(x: int) -> int:
    await asyncio.sleep(0.02 * x)
    raise KeyError(f"slow {x}")


@action
async def pair(a: str, b: int) -> tuple[str, int]:
    return a, b


@workflow
class FixedGather(Workflow):
    async def run(self, x: int) -> list[int]:
        a, b, c = await asyncio.gather(triple(x), triple(x + 1), triple(x + 2))
        return [a, b, c]


@workflow
class SpreadGather(Workflow):
    async def run(self, items: list[int]) -> list[int]:
        results = await asyncio.gather(*[triple(i) for i in items if i > 0])
        return list(results)


@workflow
class EmptySpread(Workflow):
    async def run(self, items: list[int]) -> dict[str, object]:
        results = await asyncio.gather(*[triple(i) for i in items])
        more = await asyncio.gather(*[triple(i) for i in items if i > 1000], return_exceptions=True)
        return {"results": results, "more": more, "n": len(results)}


@workflow
class GatherReturnExceptions(Workflow):
    async def run(self, items: list[int]) -> list[str]:
        results = await asyncio.gather(*[maybe_fail(i) for i in items], return_exceptions=True)
        out = []
        for result in results:
            if isinstance(result, ItemError):
                out.append(f"error: {result}")
            else:
                out.append(f"ok: {result}")
        return out


@workflow
class GatherFailurePropagates(Workflow):
    async def run(self, items: list[int]) -> str:
        try:
            values = await asyncio.gather(*[maybe_fail(i) for i in items])
        except ItemError as error:
            return f"caught {error}"
        return f"all ok {values}"


@workflow
class GatherFirstFailureByCompletion(Workflow):
    async def run(self) -> str:
        try:
            await asyncio.gather(slow_fail(3), slow_fail(1), slow_fail(2))
        except KeyError as error:
            return f"first: {error}"
        return "none"


@workflow
class GatherUncaught(Workflow):
    async def run(self, items: list[int]) -> list[int]:
        return await asyncio.gather(*[maybe_fail(i) for i in items])


@workflow
class MixedGather(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        results = await asyncio.gather(
            triple(len(names)),
            *[pair(name, i) for i, name in enumerate(names)],
            maybe_fail(1),
        )
        return list(results)


@workflow
class GatherInLoop(Workflow):
    async def run(self, batches: list[list[int]]) -> list[int]:
        totals = []
        for batch in batches:
            values = await asyncio.gather(*[triple(v) for v in batch], return_exceptions=True)
            totals.append(sum(v for v in values if isinstance(v, int)))
        return totals


@workflow
class NestedSpread(Workflow):
    async def run(self, rows: list[list[int]]) -> list[int]:
        return await asyncio.gather(
            *[triple(x * 10 + y) for x, row in enumerate(rows) for y in row if y]
        )


@workflow
class ReturnExceptionValues(Workflow):
    async def run(self, items: list[int]) -> list[object]:
        return await asyncio.gather(*[maybe_fail(i) for i in items], return_exceptions=True)


@workflow
class TryAroundGatherInLoop(Workflow):
    async def run(self, batches: list[list[int]]) -> dict[str, object]:
        done = []
        failed = []
        for index, batch in enumerate(batches):
            try:
                values = await asyncio.gather(*[maybe_fail(v) for v in batch])
            except ItemError as error:
                failed.append(f"{index}: {error}")
                continue
            if not values:
                break
            done.append(sum(values))
        return {"done": done, "failed": failed}


@action
async def label(x: int, text: str) -> str:
    return f"{text}{x}"


@workflow
class PrebuiltTasks(Workflow):
    """Calls built into a list just before the `gather` that runs them, and `map` of an
    action spread into a `gather`."""

    async def run(self, items: list[int]) -> list[object]:
        tasks = [triple(x) for x in items if x > 0]
        tripled = await asyncio.gather(*tasks)
        pending = (maybe_fail(x) for x in items)
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        mapped = await asyncio.gather(*map(triple, items))
        labels = await asyncio.gather(*map(label, items, ["a", "b", "c"]))
        return [tripled, [repr(o) for o in outcomes], mapped, labels]


@workflow
class AppendedTasks(Workflow):
    """Calls appended to a list in a loop (arguments evaluated at the call, as Python
    evaluates them), kept across an await, counted and tested, then gathered; `extend`; an
    async helper's calls; the loop variables left bound after the loop."""

    async def run(self, items: list[int]) -> list[object]:
        tasks = []
        for index, x in enumerate(items):
            if x == 0:
                continue
            text = f"#{index}"
            tasks.append(label(x * 2, text=text))
            text = "changed after the call"
        first = await triple(len(tasks))
        labels = await asyncio.gather(*tasks) if tasks else ["none"]
        risky: list[object] = []
        for x in items:
            risky.append(maybe_fail(await triple(x)))
        risky.extend(maybe_fail(x) for x in range(2))
        outcomes = await asyncio.gather(*risky, return_exceptions=True)
        checks = []
        for x in sorted(items, reverse=True):
            checks.append(self.checked(x))
        return [first, labels, [repr(o) for o in outcomes], not checks, len(checks),
                await asyncio.gather(*checks), index, x, text]  # fmt: skip

    async def checked(self, x: int) -> str:
        try:
            return f"ok {await maybe_fail(x)}"
        except ItemError as error:
            return f"caught {error}"


@workflow
class KeyedTasks(Workflow):
    """Dicts of calls by key: a dict comprehension and a dict filled in a loop, kept across an
    await, their keys read (`zip`, `for`, `in`, `keys()`, `sorted`, `len`) and their values
    gathered with `*tasks.values()`, failures returned in place."""

    async def run(self, items: list[int]) -> list[object]:
        tasks = {f"k{x}": triple(x) for x in items if x >= 0}
        labels = {}
        for index, x in enumerate(items):
            labels[x] = label(x, text=f"#{index}:")
        risky = {x: maybe_fail(x) for x in items}
        count = await triple(len(tasks))
        tripled = dict(zip(tasks, await asyncio.gather(*tasks.values()), strict=True))
        named = await asyncio.gather(*labels.values())
        outcomes = await asyncio.gather(*risky.values(), return_exceptions=True)
        return [
            count,
            tripled,
            dict(zip(labels.keys(), named, strict=True)),
            {k: repr(o) for k, o in zip(sorted(risky), outcomes, strict=True)},
            [k for k in tasks if k != "k1"],
            "k2" in tasks,
            list(labels),
            len(risky),
        ]
