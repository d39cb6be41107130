"""User exception classes with their own methods, properties, `__str__` and extra attributes:
raised by an action (a worker process rebuilds it), by `run()` itself or by a helper, caught,
held across an await and read as Python reads it (`error.limits()`, `error.doubled`); a builtin
exception's subclass, a `@dataclass` exception, gathered exceptions and one that raises itself
from its own method."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from waymark import Workflow, action, workflow


class PaymentError(Exception):
    def __init__(self, amount: int, currency: str = "EUR") -> None:
        super().__init__(f"bad {amount}")
        self.amount = amount
        self.currency = currency

    def limits(self, factor: int = 2) -> list[int]:
        return [self.amount * factor, self.amount + factor]

    @property
    def doubled(self) -> int:
        return self.amount * 2

    def label(self) -> str:
        return f"{self.currency}:{self.amount}"


class CardDeclined(PaymentError):
    def label(self) -> str:
        return "declined " + super().label()

    def __str__(self) -> str:
        return f"card declined for {self.amount}"


@action
async def pay(n: int) -> int:
    if n > 10:
        raise CardDeclined(n, "USD")
    if n > 0:
        raise PaymentError(n)
    return n


@action
async def echo(value: object) -> object:
    return value


def fail(amount: int) -> int:
    raise CardDeclined(amount)


def read(error: PaymentError) -> list[object]:
    return [error.limits(), error.limits(factor=3), error.doubled, error.amount, error.label()]


@workflow
class ExceptionMethods(Workflow):
    async def run(self, n: int) -> list[object]:
        seen: list[object] = []
        try:
            await pay(n)
        except PaymentError as error:
            held = error
            await asyncio.sleep(0)
            await echo(n)
            seen.append(read(held))
            seen.append([str(held), repr(held), f"{held}", type(held).__name__, held.args])
        try:
            raise PaymentError(5)
        except PaymentError as error:
            await echo(error.doubled)
            seen.append([read(error), str(error), error.currency])
        try:
            fail(n + 1)
        except CardDeclined as error:
            seen.append([read(error), str(error), isinstance(error, PaymentError)])
        made = CardDeclined(7, "GBP")
        await echo(0)
        seen.append([made.label(), made.doubled, str(made)])
        return seen


class RetryBudget(Exception):
    def __init__(self, left: int) -> None:
        super().__init__(left)
        self.left = left
        self.spent: list[int] = []

    def spend(self, amount: int) -> int:
        self.left -= amount
        self.spent.append(amount)
        return self.left

    def __repr__(self) -> str:
        return f"RetryBudget<{self.left}>"


@workflow
class ExceptionState(Workflow):
    async def run(self, n: int) -> list[object]:
        try:
            raise RetryBudget(n)
        except RetryBudget as error:
            first = error.spend(1)
            await echo(first)
            error.spend(2)
            error.note = "tagged"
            return [first, error.left, error.spent, repr(error), error.note, error.args]


class BadInput(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field

    @property
    def text(self) -> str:
        return super().__str__() + "!"

    def hint(self) -> str:
        return f"fix {self.field}: {self.args[1]}"

    def again(self) -> None:
        raise self


@dataclass
class Coded(Exception):
    code: int

    def bigger(self) -> int:
        return self.code + 100


@action
async def check_input(n: int) -> int:
    if n % 2:
        raise BadInput("n", "odd")
    raise Coded(n)


@workflow
class ExceptionForms(Workflow):
    async def run(self, n: int) -> list[object]:
        out: list[object] = []
        results = await asyncio.gather(check_input(n), check_input(n + 1), return_exceptions=True)
        for r in results:
            if isinstance(r, BadInput):
                out.append([r.hint(), r.text, r.field, str(r)])
            elif isinstance(r, Coded):
                out.append([r.bigger(), r.code, repr(r)])
        try:
            await check_input(n)
        except (BadInput, Coded) as error:
            errors = [error]
        await asyncio.sleep(0)
        e = errors[0]
        out.append(e.hint() if isinstance(e, BadInput) else e.bigger())
        try:
            if isinstance(e, BadInput):
                e.again()
            raise e
        except Exception as again:
            out.append([again.args == e.args, type(again).__name__])
        try:
            out.append(KeyError("k").hint())
        except AttributeError as missing:
            out.append(str(missing))
        if n > 5:
            raise BadInput("last", "uncaught")
        return out
