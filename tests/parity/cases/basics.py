"""Sequential awaits, argument threading, unpacking, defaults and early returns."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def add(a: int, b: int) -> int:
    return a + b


@action
async def describe(name: str, *, greeting: str = "hello") -> str:
    return f"{greeting}, {name}"


@action
async def divmod_action(a: int, b: int) -> tuple[int, int]:
    return a // b, a % b


@action
async def make_record(key: str, value: int) -> dict[str, int]:
    return {key: value, "double": value * 2}


@action
async def nothing() -> None:
    return None


@workflow
class Sequential(Workflow):
    async def run(self, x: int) -> int:
        a = await add(x, 1)
        b = await add(a, a)
        c = await add(b, x)
        return c


@workflow
class KeywordArguments(Workflow):
    async def run(self, name: str, greeting: str = "hi") -> list[str]:
        first = await describe(name)
        second = await describe(name=name, greeting=greeting)
        third = await describe(name.upper(), greeting=greeting * 2)
        return [first, second, third]


@workflow
class TupleUnpacking(Workflow):
    async def run(self, a: int, b: int) -> dict[str, int]:
        q, r = await divmod_action(a, b)
        (x, y), z = (r, q), q + r
        first, *rest = [q, r, z]
        return {"q": q, "r": r, "x": x, "y": y, "z": z, "first": first, "rest": sum(rest)}


@workflow
class EarlyReturn(Workflow):
    async def run(self, n: int) -> str:
        if n < 0:
            return "negative"
        total = await add(n, n)
        if total > 10:
            return f"big {total}"
        await nothing()
        return f"small {total}"


@workflow
class DictResults(Workflow):
    async def run(self, keys: list[str]) -> dict[str, object]:
        records = {}
        for i, key in enumerate(keys):
            record = await make_record(key, i)
            records[key] = record[key] + record["double"]
        nothing_result = await nothing()
        return {"records": records, "none": nothing_result, "count": len(records)}


@workflow
class DefaultArguments(Workflow):
    async def run(self, a: int = 2, b: int = 3, label: str = "sum") -> str:
        total = await add(a, b)
        return f"{label}={total}"


@workflow
class Logged(Workflow):
    """Log lines evaluate their arguments where they stand (a `pop` in one counts), as the
    arguments of a `logging` call do, whatever the level; they change nothing else."""

    async def run(self, items: list[int]) -> list[int]:
        left = list(items)
        self.log.info("got %d items", len(left))
        total = await add(sum(left), 0)
        self.log.debug("popped %s", left.pop() if left else None)
        self.log.warning(f"total {total}")
        self.log.info("%(n)s", {"n": total})
        return [*left, total]
