"""if/elif/else, for and while with break/continue, accumulators, nested loops."""

# Workflow bodies are written the way the compiler accepts them (no `raise from`, no `strict=`).
# ruff: noqa: B905, SIM108

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def square(x: int) -> int:
    return x * x


@action
async def is_even(x: int) -> bool:
    return x % 2 == 0


@action
async def label(x: int) -> str:
    return f"item-{x}"


@workflow
class Branches(Workflow):
    async def run(self, x: int) -> str:
        s = await square(x)
        if s > 100:
            kind = "huge"
        elif s > 10:
            kind = "big"
        elif s == 0:
            kind = "zero"
        else:
            kind = "small"
        return f"{x}:{kind}"


@workflow
class LoopAccumulator(Workflow):
    async def run(self, items: list[int]) -> dict[str, object]:
        squares = []
        evens = 0
        for item in items:
            value = await square(item)
            squares.append(value)
            even = await is_even(item)
            if even:
                evens += 1
        return {"squares": squares, "evens": evens, "total": sum(squares)}


@workflow
class BreakContinue(Workflow):
    async def run(self, limit: int) -> list[int]:
        seen = []
        for i in range(20):
            if i % 3 == 0:
                continue
            value = await square(i)
            if value > limit:
                break
            seen.append(value)
        return seen


@workflow
class WhileLoop(Workflow):
    async def run(self, start: int) -> list[int]:
        n = start
        steps = []
        while n != 1 and len(steps) < 50:
            even = await is_even(n)
            if even:
                n = n // 2
            else:
                n = 3 * n + 1
            steps.append(n)
        return steps


@workflow
class NestedLoops(Workflow):
    async def run(self, rows: int, cols: int) -> list[list[str]]:
        grid = []
        for r in range(rows):
            row = []
            for c in range(cols):
                if c > r:
                    break
                text = await label(r * 10 + c)
                row.append(text)
            grid.append(row)
        return grid


@workflow
class ReturnFromLoop(Workflow):
    async def run(self, items: list[int], target: int) -> object:
        for index, item in enumerate(items):
            value = await square(item)
            if value == target:
                return {"found": index}
        return None


@workflow
class ZipAndRange(Workflow):
    async def run(self, names: list[str], scores: list[int]) -> list[str]:
        out = []
        for name, score in zip(names, scores):
            doubled = await square(score)
            out.append(f"{name}={doubled}")
        for i in range(len(out) - 1, -1, -2):
            out[i] = out[i].upper()
        return out


@workflow
class LoopOverAliasedList(Workflow):
    async def run(self, seed: list[int]) -> dict[str, object]:
        queue = list(seed)
        alias = queue
        processed = []
        for item in queue:
            if item < 3:
                alias.append(item + 10)
            value = await square(item)
            processed.append(value)
        return {"queue": queue, "processed": processed, "same": alias == queue}
