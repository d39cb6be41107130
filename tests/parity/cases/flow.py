"""`try/finally` on every way out of the `try`, and `else` on `for`, `while` and `try`."""

# Workflow bodies exercise the constructs themselves (returns and jumps inside `finally`).
# ruff: noqa: B012

from __future__ import annotations

from tests.parity.cases.logged import LOG, log, reset
from waymark import Workflow, action, workflow

__all__ = ["reset"]  # the harness clears the shared log between runs


@action
async def step(name: str) -> str:
    LOG.append(name)
    return name


@action
async def explode(name: str) -> str:
    LOG.append(name)
    raise KeyError(name)


@workflow
class FinallyOnEveryExit(Workflow):
    async def run(self, mode: str) -> list[object]:
        out: list[object] = []
        try:
            out.append(await self.leave(mode))
        except KeyError as error:
            out.append(f"caught {error}")
        return [out, await log()]

    async def leave(self, mode: str) -> str:
        try:
            if mode == "return":
                return await step("body")
            if mode == "raise":
                await explode("boom")
            await step("fell through")
        finally:
            await step("cleanup")
        return "after"


@workflow
class FinallyOverrides(Workflow):
    async def run(self, n: int) -> object:
        try:
            return await self.override(n)
        except KeyError as error:
            return f"raised {error}"

    async def override(self, n: int) -> object:
        try:
            if n > 0:
                raise KeyError("from body")
            return "from body"
        finally:
            if n > 1:
                return "from finally"
            if n < 0:
                raise KeyError("from finally")


@workflow
class JumpsThroughFinally(Workflow):
    async def run(self, items: list[int]) -> list[object]:
        seen = []
        for item in items:
            try:
                if item == 0:
                    continue
                if item < 0:
                    break
                seen.append(await step(f"item {item}"))
            finally:
                seen.append(f"done {item}")
        total = 0
        while total < 3:
            try:
                total += 1
                if total == 2:
                    continue
            finally:
                seen.append(f"while {total}")
        return [seen, await log()]


@workflow
class ReturnFromNestedLoopInFinally(Workflow):
    async def run(self, target: int) -> list[object]:
        found = await self.search(target)
        return [found, await log()]

    async def search(self, target: int) -> object:
        try:
            for row in range(3):
                for col in range(3):
                    if row * 3 + col == target:
                        return (row, col)
                await step(f"row {row}")
            return None
        finally:
            await step("searched")


@workflow
class NestedFinally(Workflow):
    async def run(self, fail: bool) -> list[object]:
        out = []
        try:
            try:
                try:
                    if fail:
                        await explode("inner")
                    out.append("body")
                finally:
                    out.append("inner finally")
            finally:
                out.append("outer finally")
        except KeyError:
            out.append("handled")
        return [out, await log()]


@workflow
class TryExceptElseFinally(Workflow):
    async def run(self, key: str) -> list[object]:
        out = []
        try:
            value = {"a": 1}[key]
        except KeyError:
            out.append("missing")
        else:
            out.append(f"found {value}")
            await step("else")
        finally:
            out.append("finally")
        try:
            await step("ok")
        except KeyError:
            out.append("never")
        else:
            out.append("no error")
        return [out, await log()]


@workflow
class ElseNotCaughtByHandlers(Workflow):
    async def run(self, n: int) -> str:
        try:
            value = 10 // n
        except ZeroDivisionError:
            return "division"
        else:
            if value > 5:
                raise ZeroDivisionError("from else")
        return f"value {value}"


@workflow
class LoopElse(Workflow):
    async def run(self, items: list[int], target: int) -> list[object]:
        out = []
        for item in items:
            if item == target:
                out.append("found")
                break
        else:
            out.append("not found")
        n = 0
        while n < len(items):
            n += 1
            if items[n - 1] < 0:
                break
        else:
            out.append(f"no negatives in {n}")
        for outer in range(2):
            for inner in range(2):
                if inner == outer:
                    continue
            else:
                out.append(f"inner else {outer}")
        while await step(str(n)) != str(n):
            pass
        else:
            out.append("while else")
        return [out, await log()]
