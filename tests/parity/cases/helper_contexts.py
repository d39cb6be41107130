"""An exception raised and caught inside a helper called from an `except` body gets the
exception that body handles as its `__context__`, as CPython's does: the handled exception
reaches into the functions the body calls, however deep, and `from None` still hides it."""

from __future__ import annotations

from waymark import Workflow, action, workflow


def convert(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise KeyError(raw)  # noqa: B904 - the implicit chain is what is tested


def quiet(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise KeyError(raw) from None


def through(raw: str) -> int:
    return convert(raw)


def settled(raw: str) -> str:
    try:
        return str(int(raw))
    except ValueError as error:
        return describe(error.__context__)


def describe(error: BaseException | None) -> str:
    if error is None:
        return "-"
    return (f"{type(error).__name__}({error}) <- {describe(error.__context__)} "
            f"/ {describe(error.__cause__)} {error.__suppress_context__}")  # fmt: skip


@action
async def check(raw: str) -> str:
    return raw


@workflow
class HelperContexts(Workflow):
    async def run(self, raw: str) -> object:
        out: list[str] = [settled(raw)]
        for helper in (convert, quiet, through):
            try:
                helper(raw)
            except KeyError as error:
                out.append(describe(error))
        try:
            raise RuntimeError(await check("outer"))
        except RuntimeError:
            out.append(settled(raw))
            for helper in (convert, quiet, through):
                try:
                    helper(raw)
                except KeyError as error:
                    out.append(describe(error))
        return out


@workflow
class AsyncHelperContexts(Workflow):
    async def run(self, raw: str) -> object:
        out = [await self.inner(raw)]
        try:
            raise RuntimeError(await check("outer"))
        except RuntimeError:
            out.append(await self.inner(raw))
        return out

    async def inner(self, raw: str) -> str:
        await check(raw)
        try:
            return str(int(raw))
        except ValueError as error:
            return describe(error.__context__) + " " + settled(raw)
