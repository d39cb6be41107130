"""The modules C1 compiles: `count` workflows cycling through the shapes users write, and two
large `run()` bodies.

Sequences with argument threading, loops with accumulators, gather spreads, try/except with
`run_action` policies, branches and helpers, durable sleeps: a realistic mix, generated so the
module size follows `count`. The large bodies are what generated code looks like: thousands of
simple statements, and one tuple literal of many constants. Text only; nothing here compiles or
runs it.
"""

from __future__ import annotations

_HEADER = '''"""C1 benchmark module (generated)."""

import asyncio
from datetime import timedelta

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow


@action
async def fetch(key: str) -> dict[str, int]:
    return {"key": len(key), "value": 1}


@action
async def store(key: str, value: int) -> bool:
    return value >= 0


@action
async def notify(user: str, message: str) -> None:
    return None
'''

_SHAPES = (
    """
@workflow
class Sequence{n}(Workflow):
    async def run(self, key: str) -> bool:
        row = await fetch(key)
        doubled = row["value"] * 2
        saved = await store(key, doubled)
        await notify(key, f"saved {{doubled}}")
        return saved
""",
    """
@workflow
class Loop{n}(Workflow):
    async def run(self, keys: list[str]) -> int:
        total = 0
        for index, key in enumerate(keys):
            if index > 10:
                break
            row = await fetch(key)
            total += row["value"]
        return total
""",
    """
@workflow
class FanOut{n}(Workflow):
    async def run(self, keys: list[str]) -> list[int]:
        rows = await asyncio.gather(*[fetch(key) for key in keys if key])
        values = [row["value"] for row in rows]
        saved = await asyncio.gather(*[store(k, v) for k, v in zip(keys, values)],
                                     return_exceptions=True)
        return [v for v, ok in zip(values, saved) if ok is True]
""",
    """
@workflow
class Guarded{n}(Workflow):
    async def run(self, key: str, fallback: str = "none") -> str:
        try:
            row = await self.run_action(
                fetch(key),
                retry=RetryPolicy(attempts=3),
                backoff=BackoffPolicy(base_delay=1),
                timeout=timedelta(seconds=30),
            )
        except ConnectionError as error:
            await notify(key, str(error))
            return "unreachable"
        except Exception:
            return fallback
        return "ok" if row["value"] > 0 else "empty"
""",
    """
@workflow
class Branches{n}(Workflow):
    async def run(self, user: str, tier: int) -> str:
        label = self.label(tier)
        if tier > 2:
            await notify(user, "gold " + label)
        elif tier == 2:
            await asyncio.sleep(60)
            await notify(user, "silver")
        else:
            return "skipped"
        while tier > 0:
            tier -= 1
        return label

    def label(self, tier: int) -> str:
        return f"tier-{{tier}}"
""",
)


def c1_source(count: int) -> str:
    """A module of `count` workflows (names are unique: the shape name plus its index)."""
    bodies = [_SHAPES[n % len(_SHAPES)].format(n=n) for n in range(count)]
    return _HEADER + "".join(bodies)


_LARGE_HEADER = "from waymark import Workflow, workflow\n\n\n@workflow\nclass Large(Workflow):\n"


def large_run_source(statements: int) -> str:
    """A workflow whose `run()` is `statements` lines of arithmetic (`t = t + i * 2`)."""
    lines = "".join(f"        t = t + {i} * 2\n" for i in range(statements - 2))
    body = f"        t = 0\n{lines}        return t\n"
    return f"{_LARGE_HEADER}    async def run(self) -> int:\n{body}"


def large_tuple_source(items: int) -> str:
    """A workflow whose `run()` holds one tuple literal of `items` integers."""
    numbers = ", ".join(str(i) for i in range(items))
    body = f"        table = ({numbers})\n        return len(table)\n"
    return f"{_LARGE_HEADER}    async def run(self) -> int:\n{body}"
