"""Actions as values: dispatch tables of actions at module level (dict, tuple, list), an action
held in a local variable or passed to a helper, awaited, gathered and wrapped in
`self.run_action` with a policy; a value that is not an action raising `TypeError` when called;
and an agent loop that dispatches tool calls by name."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from waymark import RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


class Flaky(Exception):
    pass


@action
async def search(query: str, limit: int = 2) -> list[str]:
    return [f"{query}-{i}" for i in range(limit)]


@action
async def fetch(url: str) -> str:
    await asyncio.sleep(0.001)
    return f"<page {url}>"


@action
async def shout(text: str) -> str:
    return text.upper()


@action
async def flaky_lookup(key: str) -> str:
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] < 3:
        raise Flaky(f"{key} attempt {CALLS[key]}")
    return f"{key} after {CALLS[key]}"


@action
async def extract(data: str) -> list[str]:
    return data.split(",")


@action
async def transform(rows: list[str]) -> list[str]:
    return [row.strip().title() for row in rows]


@action
async def load(rows: list[str]) -> int:
    return len(rows)


@action
async def has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


@action
async def is_short(text: str) -> bool:
    return len(text) < 8


TOOLS = {"search": search, "fetch": fetch, "shout": shout}
PIPELINE = (extract, transform, load)
CHECKS = [has_digit, is_short]
MIXED = {"number": 7, "tool": shout}


@workflow
class ToolTable(Workflow):
    async def run(self, name: str, args: dict[str, object]) -> object:
        try:
            return await TOOLS[name](**args)
        except KeyError as error:
            return f"no tool {error}"
        except TypeError as error:
            return f"bad arguments: {type(error).__name__}"


@workflow
class HandlerLookup(Workflow):
    async def run(self, kind: str, text: str) -> list[object]:
        handler = TOOLS.get(kind, shout)
        first = await handler(text)
        chosen = fetch if kind == "page" else shout
        second = await chosen(text)
        same = [handler == shout, handler in TOOLS.values(), chosen != handler]
        return [first, second, same, await self.apply(TOOLS["shout"], text)]

    async def apply(self, tool: object, value: str) -> str:
        return await tool(value + "!")


@workflow
class StepPipeline(Workflow):
    async def run(self, data: str) -> object:
        value: object = data
        for step in PIPELINE:
            value = await step(value)
        steps = list(PIPELINE)
        rows = await steps[0](data)
        return [value, rows, len(steps)]


@workflow
class GatheredChecks(Workflow):
    async def run(self, texts: list[str]) -> list[object]:
        each = await asyncio.gather(*(check(text) for check in CHECKS for text in texts))
        pair = await asyncio.gather(CHECKS[0](texts[0]), TOOLS["shout"](texts[-1]))
        tools = [TOOLS[name] for name in sorted(TOOLS) if name != "fetch"]
        spread = await asyncio.gather(*[tool("x") for tool in tools])
        return [each, pair, spread]


@workflow
class PolicyOnValue(Workflow):
    async def run(self, key: str, attempts: int) -> str:
        lookup = flaky_lookup
        try:
            return await self.run_action(lookup(key), retry=RetryPolicy(attempts=attempts))
        except Flaky as error:
            return f"gave up: {error}"


@workflow
class NotAnAction(Workflow):
    async def run(self, key: str) -> str:
        try:
            return await MIXED[key](key)
        except TypeError as error:
            return f"TypeError: {error}"


class ToolCall(BaseModel):
    name: str
    args: dict[str, object]


@action
async def plan(question: str, seen: list[str]) -> list[ToolCall]:
    """A stand-in for a model: asks for tools until it has seen a page."""
    if any(item.startswith("<page") for item in seen):
        return []
    if not seen:
        return [ToolCall(name="search", args={"query": question, "limit": 1})]
    return [ToolCall(name="fetch", args={"url": seen[-1]}),
            ToolCall(name="shout", args={"text": question})]  # fmt: skip


@workflow
class AgentLoop(Workflow):
    async def run(self, question: str, max_turns: int = 4) -> list[str]:
        seen: list[str] = []
        for _ in range(max_turns):
            calls = await plan(question, seen)
            if not calls:
                break
            results = await asyncio.gather(
                *[TOOLS[call.name](**call.args) for call in calls], return_exceptions=True
            )
            for result in results:
                seen.extend(result if isinstance(result, list) else [str(result)])
        return seen


@workflow
class PendingCalls(Workflow):
    async def run(self, names: list[str]) -> list[object]:
        pending = []
        for name in names:
            pending.append(TOOLS[name](name))
        results = await asyncio.gather(*pending, return_exceptions=True)
        tool = TOOLS[names[0]] if names else shout
        return [results, tool.__name__, tool.__qualname__, search.__name__, self.helper_name()]

    def helper_name(self) -> str:
        return self.helper_name.__name__
