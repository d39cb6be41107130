"""`try ... except* E as eg:` as CPython runs it: the raised group split by class (a naked
exception wrapped in `ExceptionGroup("", (e,))`), each matching clause run with its part, the
rest and what the clauses raise let out in the original group's shape, `else` and `finally`;
clauses that await, groups a `TaskGroup` raises, and a timeout's `TimeoutError`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from waymark import Workflow, action, workflow


@action
async def fail(kind: str, n: int) -> int:
    if kind == "value":
        raise ValueError(f"value {n}")
    if kind == "type":
        raise TypeError(f"type {n}")
    if kind == "key":
        raise KeyError(n)
    return n


@action
async def tick(n: int) -> int:
    return n


def _shape(error: BaseException | None) -> object:
    """The exception's repr, its chain and, for a group, its members' shapes."""
    if error is None:
        return None
    out: list[object] = [repr(error), repr(error.__context__), error.__suppress_context__]
    out.append(repr(error.__cause__))
    if isinstance(error, BaseExceptionGroup):
        out.append([_shape(member) for member in error.exceptions])
    return out


def _group(kind: str) -> BaseException:
    if kind == "naked":
        return ValueError("naked")
    if kind == "miss":
        return OSError("miss")
    if kind == "nested":
        inner = ExceptionGroup("inner", [KeyError("k"), ValueError("v2")])
        return ExceptionGroup("outer", [ValueError("v1"), inner, TypeError("t")])
    return ExceptionGroup("flat", [ValueError("v"), TypeError("t"), KeyError("k")])


@workflow
class StarSplits(Workflow):
    """Which clauses run and with what; what is let out (nothing, the rest, a naked one)."""

    async def run(self, kind: str, wait: bool) -> list[object]:
        seen: list[object] = []
        try:
            try:
                if wait:
                    await tick(1)
                if kind != "none":
                    raise _group(kind)
            except* ValueError as eg:
                seen.append(["value", _shape(eg)])
                if wait:
                    await tick(2)
            except* (TypeError, KeyError) as eg:
                seen.append(["type or key", _shape(eg)])
            else:
                seen.append("else")
            finally:
                seen.append("finally")
        except BaseException as error:
            seen.append(["out", _shape(error)])
        return seen


@workflow
class StarRaises(Workflow):
    """Clauses that raise: a bare `raise` keeps the original group's shape, `raise eg` and new
    exceptions come out in a new group in front of what is left, each with its context."""

    async def run(self, how: str, kind: str) -> list[object]:
        seen: list[object] = []
        try:
            try:
                raise _group(kind)
            except* ValueError as eg:
                seen.append("value")
                if how == "bare":
                    raise
                if how == "same":
                    raise eg
                if how == "member":
                    raise eg.exceptions[0]  # noqa: B904
                if how == "new":
                    raise RuntimeError("from the clause")  # noqa: B904
                if how == "caught":
                    try:
                        raise LookupError("inside")
                    except LookupError:
                        raise
            except* TypeError:
                seen.append("type")
                if how in ("bare", "new"):
                    raise
                raise OSError("second clause")  # noqa: B904
        except BaseException as error:
            seen.append(_shape(error))
        return seen


@workflow
class StarActions(Workflow):
    """The exception of an awaited action, wrapped; a clause inside an outer `except` keeps
    the outer exception as the part's context; a loop around the statement."""

    async def run(self, kind: str) -> list[object]:
        seen: list[object] = []
        for n in range(2):
            try:
                try:
                    raise OSError("outer")
                except OSError:
                    try:
                        seen.append(await fail(kind, n))
                    except* ValueError as eg:
                        seen.append(_shape(eg))
                        seen.append(await tick(n))
                    except* TypeError as eg:
                        seen.append(_shape(eg))
                        raise KeyError("from the clause") from None
                seen.append("after")
            except BaseException as error:
                seen.append(_shape(error))
        return seen


@workflow
class StarTaskGroup(Workflow):
    """The `ExceptionGroup` a `TaskGroup` raises, split by `except*`; what no clause takes
    leaves `run()`."""

    async def fallible(self, kind: str, n: int) -> int:
        return await fail(kind, n)

    async def run(self, kinds: list[str]) -> list[object]:
        seen: list[object] = []
        try:
            async with asyncio.TaskGroup() as tg:
                for n, kind in enumerate(kinds):
                    tg.create_task(self.fallible(kind, n))
        except* ValueError as eg:
            seen.append(sorted(str(e) for e in eg.exceptions))
        except* TypeError as eg:
            seen.append(sorted(str(e) for e in eg.exceptions))
            await tick(0)
        return seen


@workflow
class StarTimeout(Workflow):
    """A timeout's `TimeoutError` caught by `except*` around the block; inside it, the
    cancellation no clause matches goes through as it is."""

    async def run(self, inside: bool) -> list[object]:
        seen: list[object] = []
        try:
            async with asyncio.timeout(0.05):
                if inside:
                    try:
                        await asyncio.sleep(10)
                    except* ValueError as eg:
                        seen.append(repr(eg))
                    finally:
                        seen.append("cancelled inside")
                else:
                    await asyncio.sleep(10)
        except* TimeoutError as eg:
            seen.append([repr(eg), repr(eg.exceptions[0].__cause__)])
        return seen


@workflow
class StarUncaught(Workflow):
    """A group no clause fully handles leaves `run()`."""

    async def run(self) -> int:
        try:
            await tick(1)
            raise ExceptionGroup("left", [ValueError("v"), TypeError("t")])
        except* ValueError:
            await tick(2)
        return 0


@workflow
class StarGroupClass(Workflow):
    """`except* ExceptionGroup` raises CPython's TypeError once an exception reaches it."""

    async def run(self, fail_now: bool) -> str:
        try:
            try:
                if fail_now:
                    raise ValueError("v")
            except* ExceptionGroup:
                pass
        except TypeError as error:
            return str(error)
        return "nothing raised"


def _numbers(n: int, fail: bool) -> Iterator[object]:
    try:
        for i in range(n):  # noqa: UP028 - a `yield` of its own inside the `try`
            yield i
        if fail:
            raise ValueError(n)
    except* ValueError as eg:
        yield repr(eg)


@workflow
class StarGenerator(Workflow):
    """A generator helper whose `yield` is inside `try ... except*`: left by `break` (closed)
    or run to the end through the clause, which yields too."""

    async def run(self, n: int, fail: bool) -> list[object]:
        out: list[object] = []
        for x in _numbers(n, fail):
            out.append(x)
            if x == 1:
                break
        out.append([y for y in _numbers(n, fail)])
        return out


@workflow
class GroupMethods(Workflow):
    """`split`, `subgroup` and `derive` of a group the workflow holds, with CPython's errors:
    the parts keep the very members, the group's chain and a copy of its notes."""

    async def run(self, wait: bool) -> list[object]:
        inner = ExceptionGroup("inner", [KeyError("k"), ValueError("v2")])
        try:
            raise ExceptionGroup("outer", [ValueError("v1"), inner, TypeError("t")])
        except ExceptionGroup as caught:
            eg = caught
        eg.add_note("note")
        if wait:
            await tick(1)
        match, rest = eg.split(ValueError)
        out: list[object] = [_shape(match), _shape(rest), getattr(match, "__notes__", None)]
        out.append(match is not None and match.exceptions[0] is eg.exceptions[0])
        if match is not None:
            match.add_note("own")
        out.append(eg.__notes__)
        out.append(_shape(eg.subgroup((KeyError, TypeError))))
        out.append([eg.subgroup(Exception) is eg, eg.subgroup(OSError), eg.split(OSError)[1] is eg])
        derived = eg.derive([OSError("o")])
        out.append([_shape(derived), repr(eg.derive((KeyError("d"),)))])
        if wait:
            await tick(2)
        out.append(_shape(eg.split((LookupError, TypeError))[0]))
        for make in ("none", "empty", "item", "count"):
            try:
                if make == "none":
                    eg.subgroup(None)
                elif make == "empty":
                    eg.derive([])
                elif make == "item":
                    eg.derive([1])
                else:
                    eg.subgroup()
            except (TypeError, ValueError) as error:
                out.append(f"{type(error).__name__}: {error}")
        return out
