"""Exception chaining as Python keeps it: `raise ... from cause` (`__cause__`,
`__suppress_context__`), the exception being handled as `__context__` of one raised in an
`except` body (also in a helper called there, and across an await in the body), `from None`,
and the chain of an exception an action raised on its worker."""

from __future__ import annotations

import asyncio

from waymark import RetryPolicy, Workflow, action, workflow

ATTEMPTS: list[int] = []


def reset() -> None:
    ATTEMPTS.clear()


class ToolError(Exception):
    def __init__(self, message: str, tool: str = "") -> None:
        super().__init__(message)
        self.tool = tool


class RetryableError(ToolError):
    pass


@action
async def call_tool(name: str) -> str:
    if name == "wrapped":
        try:
            {}["missing"]
        except KeyError as exc:
            raise ToolError("tool failed", name) from exc
    if name == "during":
        try:
            [][1]
        except IndexError:
            raise ValueError("while handling")  # noqa: B904 (the implicit chain is the point)
    if name == "implicit":
        try:
            int("x")
        except ValueError:
            raise RetryableError("implicit", name)  # noqa: B904
    if name == "plain":
        raise RuntimeError("plain")
    return name


@action
async def note(text: str) -> str:
    return text


@action
async def flaky() -> str:
    ATTEMPTS.append(len(ATTEMPTS) + 1)
    raise ToolError(f"attempt {len(ATTEMPTS)}")


def describe(error: BaseException | None) -> object:
    """An exception and its chain, as data."""
    if error is None:
        return None
    return {
        "type": type(error).__name__,
        "args": error.args,
        "cause": describe(error.__cause__),
        "context": describe(error.__context__),
        "suppress": error.__suppress_context__,
    }


def parse(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise ToolError(f"not a number: {text}", "parse") from exc


def fail_inside(reason: str) -> None:
    raise ToolError(reason, "helper")


def reraise_inside(key: str) -> None:
    try:
        raise KeyError(key)
    except KeyError:
        raise


def raise_again(key: str) -> None:
    try:
        raise KeyError(key)
    except KeyError as error:
        raise error


@workflow
class ChainedInWorkflow(Workflow):
    async def run(self, text: str) -> object:
        seen = []
        try:
            seen.append(parse(text))
        except ToolError as error:
            seen.append(describe(error))
            seen.append(type(error.__cause__).__name__)
            seen.append(error.__cause__.args)
        try:
            try:
                {}[text]
            except KeyError:
                fail_inside(
                    "while looking up"
                )  # raised in a helper: the handled one is its context
        except ToolError as error:
            seen.append(describe(error))
        try:
            try:
                raise KeyError(text)
            except KeyError:
                await note("between")  # the handled exception survives the await
                raise RetryableError("after the await") from None
        except ToolError as error:
            seen.append(describe(error))
            seen.append(error.__cause__ is None and error.__suppress_context__)
            seen.append(type(getattr(error, "__context__")).__name__)  # noqa: B009
        try:
            try:
                raise ValueError("inner")
            except ValueError:
                raise ToolError("from a class") from LookupError
        except ToolError as error:
            seen.append(describe(error))
        try:
            raise ToolError("not chained")
        except ToolError as error:
            seen.append(describe(error))
        return seen


@workflow
class ChainedFromActions(Workflow):
    async def run(self, tool: str) -> object:
        seen = []
        try:
            seen.append(await call_tool(tool))
        except Exception as error:
            seen.append(describe(error))
        try:
            try:
                raise ValueError("handled here")
            except ValueError:
                seen.append(await call_tool(tool))
        except Exception as error:
            seen.append(describe(error))
        results = await asyncio.gather(call_tool(tool), call_tool("ok"), return_exceptions=True)
        seen.append([describe(r) if isinstance(r, Exception) else r for r in results])
        try:
            await call_tool(tool)
        except ToolError as error:
            try:
                raise ToolError("escalated", tool) from error
            except ToolError as outer:
                seen.append(describe(outer))
        except Exception as error:
            seen.append(type(error).__name__)
        return seen


@workflow
class ChainEscapes(Workflow):
    """An exception raised while handling another ends the workflow; its chain is there."""

    async def run(self, key: str) -> str:
        lookup = {"a": 1}
        try:
            return str(lookup[key])
        except KeyError as error:
            raise ToolError(f"unknown key {key}") from error


@workflow
class LongChain(Workflow):
    """A chain built in a loop, each exception raised while the previous is handled."""

    async def run(self, links: int) -> object:
        last: Exception | None = None
        for index in range(links):
            try:
                if last is None:
                    raise ToolError(f"link {index}")
                raise ToolError(f"link {index}") from last
            except ToolError as error:
                last = error
                await note(str(index))
        depth, link = 0, last
        while link is not None:
            depth += 1
            link = link.__cause__
        return {"depth": depth, "last": str(last), "first": describe(last)}


@workflow
class ChainEdges(Workflow):
    """Re-raising keeps the context set where the exception was first raised, also in a helper
    called from an `except` body; retries of an action do not chain its attempts."""

    async def run(self, key: str) -> object:
        seen = []
        try:
            await self.run_action(flaky(), retry=RetryPolicy(attempts=3))
        except ToolError as error:
            seen.append(describe(error))
        for bare in (True, False):
            try:
                try:
                    raise ValueError("outer")
                except ValueError:
                    if bare:
                        reraise_inside(key)
                    raise_again(key)
            except KeyError as error:
                seen.append(describe(error))
        try:
            try:
                raise ValueError("outer")
            except ValueError as error:
                raise error
        except ValueError as error:
            seen.append(describe(error))
        try:
            try:
                raise ValueError("a")
            except ValueError:
                try:
                    raise KeyError("b")
                except KeyError:
                    [1][5]
        except IndexError as error:
            seen.append(describe(error))
        try:
            try:
                raise ValueError("a")
            except ValueError:
                seen.append([{}[k] for k in key])
        except KeyError as error:
            seen.append(describe(error))
        return seen
