"""Workflows that wait for signals, for the signal tests on LocalRuntime and PostgreSQL.

Worker processes import this module by name (`WAYMARK_USER_MODULE`), so its models are the
types a sender validates payloads against.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel

from tests.runtime.observe_flows import dawdle
from waymark import SignalTimeout, Workflow, action, workflow


class Decision(BaseModel):
    approved: bool
    note: str = ""


@dataclass
class Point:
    x: int
    y: int


@action
async def announce(label: str) -> str:
    return f"announced {label}"


@workflow
class Approval(Workflow):
    """Waits for a decision (three days at most), then reports it."""

    async def run(self, label: str) -> str:
        await announce(label)
        try:
            decision = await self.wait_for_signal("decision", Decision, timeout=timedelta(days=3))
        except SignalTimeout:
            return f"{label}: escalated"
        verdict = "approved" if decision.approved else "rejected"
        return f"{label}: {verdict} {decision.note}".rstrip()


@workflow
class Collect(Workflow):
    """Takes `count` signals `item` in turn (no timeout), and a `stop` signal if asked."""

    async def run(self, count: int) -> list[int]:
        items = []
        for _ in range(count):
            items.append(await self.wait_for_signal("item", int))
        return items


@workflow
class SlowCollect(Workflow):
    """As `Collect`, with an action of `seconds` before each wait: a runner holds the
    instance while it runs."""

    async def run(self, count: int, seconds: float) -> list[int]:
        items = []
        for _ in range(count):
            await dawdle(seconds)
            items.append(await self.wait_for_signal("item", int))
        return items


@workflow
class TakeOne(Workflow):
    """Takes one signal `item`, then waits for `done`: an `item` sent before `done` is kept,
    never consumed, and the instance cannot end before it is sent."""

    async def run(self) -> list[int]:
        item = await self.wait_for_signal("item", int)
        await self.wait_for_signal("done", bool)
        return [item]


@workflow
class Typed(Workflow):
    """A dataclass payload and an optional list payload, in one workflow."""

    async def run(self) -> list[object]:
        point = await self.wait_for_signal("point", Point)
        tags = await self.wait_for_signal("tags", list[str] | None, timeout=60)
        return [point.x + point.y, tags]


@workflow
class Patient(Workflow):
    """A computed timeout in seconds: the wait gives up after `seconds`."""

    async def run(self, seconds: float) -> str:
        try:
            value = await self.wait_for_signal("go", str, timeout=seconds * 2)
        except SignalTimeout as error:
            return f"timeout: {error}"
        return f"got {value}"


@workflow
class Gate(Workflow):
    """Waits for `a`, then for `b`: a `b` sent first waits for its turn."""

    async def run(self) -> list[str]:
        first = await self.wait_for_signal("a", str)
        second = await self.wait_for_signal("b", str)
        return [first, second]


@action
async def seconds(value: float) -> float:
    return value


@workflow
class Arithmetic(Workflow):
    """A wait inside an expression, its timeout computed by an action."""

    async def run(self) -> int:
        return 1 + await self.wait_for_signal("n", int, timeout=await seconds(600.0)) * 2


@workflow
class GatheredWaits(Workflow):
    """Two gathered helpers, each announcing, waiting for its own signal, announcing again;
    both append to one list of the parent's."""

    async def run(self) -> list[object]:
        seen: list[str] = []
        results = await asyncio.gather(self.side("a", seen), self.side("b", seen))
        return [*results, sorted(seen)]

    async def side(self, name: str, seen: list[str]) -> list[object]:
        first = await announce(name)
        if name == "a":
            value = await self.wait_for_signal("a", int)
        else:
            value = await self.wait_for_signal("b", int)
        seen.append(name)
        return [first, value, await announce(f"{name}{value}")]
