"""try/except matching by class hierarchy, `as e`, raise, re-raise, errors of pure code."""

# Workflow bodies are written the way the compiler accepts them (no `raise from`, no `strict=`).
# ruff: noqa: B904

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow


class PaymentError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class CardDeclined(PaymentError):
    pass


class NotFound(LookupError):
    pass


@action
async def charge(amount: int) -> str:
    if amount > 100:
        raise CardDeclined(f"declined {amount}", 402)
    if amount < 0:
        raise PaymentError("negative amount", 400)
    if amount == 0:
        raise ConnectionError("gateway down")
    return f"charged {amount}"


@action
async def lookup(key: str) -> int:
    table = {"a": 1, "b": 2}
    if key not in table:
        raise NotFound(key)
    return table[key]


@action
async def echo(value: object) -> object:
    return value


@workflow
class ExceptClauses(Workflow):
    async def run(self, amount: int) -> str:
        try:
            result = await charge(amount)
        except CardDeclined as error:
            return f"declined code={error.code} msg={error}"
        except PaymentError as error:
            return f"payment error {error.code} {error.args}"
        except (ConnectionError, TimeoutError) as error:
            return f"network {error}"
        return result


@workflow
class HierarchyMatch(Workflow):
    async def run(self, key: str) -> str:
        try:
            value = await lookup(key)
        except LookupError as error:
            return f"lookup failed: {error!r} args={error.args}"
        return f"value {value}"


@workflow
class CatchAll(Workflow):
    async def run(self, amount: int) -> str:
        try:
            await charge(amount)
        except Exception as error:
            return f"caught {error}"
        try:
            await charge(amount)
        except:  # noqa: E722
            return "bare except"
        return "no error"


@workflow
class RaiseAndReraise(Workflow):
    async def run(self, amount: int) -> str:
        try:
            try:
                await charge(amount)
            except PaymentError:
                raise
        except CardDeclined as error:
            return f"outer caught {error.code}"
        except PaymentError as error:
            raise ValueError(f"wrapped: {error}")
        return "fine"


@workflow
class PureCodeErrors(Workflow):
    async def run(self, a: int, b: int, key: str) -> list[str]:
        out = []
        value = await echo(a)
        try:
            out.append(str(value // b))
        except ZeroDivisionError as error:
            out.append(f"zero: {error}")
        table = {"x": 1}
        try:
            out.append(str(table[key]))
        except KeyError as error:
            out.append(f"missing {error}")
        try:
            out.append(str(int(key)))
        except ValueError as error:
            out.append(f"not a number: {error}")
        try:
            out.append(str([1, 2][a]))
        except IndexError as error:
            out.append(f"index: {error}")
        return out


@workflow
class UncaughtActionError(Workflow):
    async def run(self, amount: int) -> str:
        first = await charge(10)
        second = await charge(amount)
        return first + second


@workflow
class UncaughtPureError(Workflow):
    async def run(self, values: list[int]) -> float:
        total = await echo(sum(values))
        return total / len(values)


@workflow
class RaiseCustom(Workflow):
    async def run(self, n: int) -> int:
        value = await echo(n)
        if value > 5:
            raise NotFound(f"too big: {value}")
        if value < 0:
            raise PaymentError("negative", -1)
        return value


@workflow
class FirstMatchWins(Workflow):
    async def run(self, amount: int) -> list[str]:
        trail = []
        for value in [amount, amount + 200, -1]:
            try:
                await charge(value)
                trail.append("ok")
            except Exception:
                trail.append("exception")
            except PaymentError:
                trail.append("unreachable")
        return trail


@workflow
class ErrorAfterHandler(Workflow):
    async def run(self, amount: int) -> str:
        message = "none"
        try:
            await charge(amount)
        except PaymentError as error:
            message = str(error)
        try:
            return f"{message} {error}"
        except NameError:
            return f"{message} (error unbound)"


@workflow
class ExceptionAttributesFromGather(Workflow):
    async def run(self, amounts: list[int]) -> list[object]:
        results = await asyncio.gather(*[charge(a) for a in amounts], return_exceptions=True)
        codes = [r.code for r in results if isinstance(r, PaymentError)]
        kinds = [
            "declined"
            if isinstance(r, CardDeclined)
            else "error"
            if isinstance(r, Exception)
            else "ok"
            for r in results
        ]
        return [codes, kinds, [str(r) for r in results if isinstance(r, ConnectionError)]]


class OrderError(Exception):
    pass


@workflow
class RaiseFrom(Workflow):
    """`raise ... from error`, `from None` and a cause that is not an exception."""

    async def run(self, case: str) -> str:
        try:
            {"a": 1}[case]
        except KeyError as error:
            if case == "none":
                raise OrderError(f"no {case}") from None
            if case == "bad":
                raise OrderError("bad cause") from 5  # type: ignore[misc]
            if case == "class":
                raise OrderError("from a class") from ValueError
            try:
                raise OrderError(f"missing {case}") from error
            except OrderError as wrapped:
                return f"caught {wrapped}"
        return "found"


@action
async def open_report(path: str) -> str:
    if path.startswith("/missing"):
        raise FileNotFoundError(2, "No such file or directory", path)
    return bytes.fromhex(path.removeprefix("/hex/")).decode("utf-8")


@workflow
class BuiltinErrorAttributes(Workflow):
    """The attributes builtin exceptions carry (`errno`, `filename`, a decode error's `reason`
    and `start`, an `AttributeError`'s `name`, a `StopIteration`'s `value`), from an action or
    raised in the workflow, as Python reads them."""

    async def run(self, path: str) -> list[object]:
        out: list[object] = []
        try:
            out.append(await open_report(path))
        except OSError as error:
            out += [str(error), error.errno, error.strerror, error.filename, error.filename2]
        except UnicodeDecodeError as error:
            out += [error.reason, error.start, error.end, error.encoding]
        try:
            raise PermissionError(13, "Permission denied", path)
        except OSError as error:
            out += [type(error).__name__, str(error), error.args, error.errno]
        try:
            out.append(path.nope)  # type: ignore[attr-defined]
        except AttributeError as error:
            out.append(error.name)
        try:
            next(iter([]))
        except StopIteration as error:
            out.append(error.value)
        return out


@workflow
class ArgsAssigned(Workflow):
    """`error.args = ...` changes what `str(error)` says, as the class makes it from the args
    (a `KeyError` quotes its key): the common way to add context before re-raising."""

    async def run(self, key: str, amount: int) -> list[str]:
        out = []
        try:
            await self.with_context(key, amount)
        except LookupError as error:
            out.append(f"{error} | {error!r} | {error.args}")
        except PaymentError as error:
            out.append(f"{error} | {error!r} | code {error.code}")
        try:
            await lookup(key)
        except NotFound as error:
            error.args = ()
            out.append(f"[{error}]")
        return out

    async def with_context(self, key: str, amount: int) -> None:
        try:
            await lookup(key)
            await charge(amount)
        except (LookupError, PaymentError) as error:
            error.args = (f"{error.args[0]} (while settling {key})", *error.args[1:])
            raise
