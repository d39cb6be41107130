"""Plain classes of the user's code (no `@dataclass`, no model): constructed in `run()` and in
helpers, their methods, properties, class attributes and inheritance, kept across awaits."""

from __future__ import annotations

from waymark import Workflow, action, workflow


class Strategy:
    KIND = "linear"

    def __init__(self, rate: int, floor: int = 0) -> None:
        self.rate = rate
        self.floor = floor
        self.seen: list[int] = []

    def apply(self, n: int) -> int:
        self.seen.append(n)
        return max(n * self.rate, self.floor)

    @property
    def calls(self) -> int:
        return len(self.seen)

    def describe(self) -> str:
        return f"{self.KIND}x{self.rate}"


class Stepped(Strategy):
    KIND = "stepped"

    def __init__(self, rate: int, step: int) -> None:
        super().__init__(rate, floor=step)
        self.step = step

    def apply(self, n: int) -> int:
        return super().apply(n) // self.step * self.step


class Money:
    def __init__(self, cents: int, currency: str = "EUR") -> None:
        self.cents = cents
        self.currency = currency

    def __repr__(self) -> str:
        return f"Money({self.cents}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.cents / 100:.2f} {self.currency}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and (self.cents, self.currency) == (
            other.cents,
            other.currency,
        )

    def add(self, other: Money) -> Money:
        return Money(self.cents + other.cents, self.currency)


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def bump(self) -> None:
        self.count += 1


@action
async def fetch_amount(n: int) -> int:
    return n * 7


@workflow
class PlainStrategies(Workflow):
    async def run(self, rate: int, stepped: bool) -> object:
        strategy = Stepped(rate, 5) if stepped else Strategy(rate)
        first = strategy.apply(await fetch_amount(1))
        second = strategy.apply(await fetch_amount(2))
        return [
            first,
            second,
            strategy.calls,
            strategy.describe(),
            strategy.seen,
            Strategy.KIND,
            strategy.KIND,
            isinstance(strategy, Strategy),
            isinstance(strategy, Stepped),
            type(strategy).__name__,
        ]


@workflow
class PlainValues(Workflow):
    async def run(self, cents: int) -> object:
        price = self.make(cents)
        fee = Money(await fetch_amount(cents))
        total = price.add(fee)
        other = Counter()
        same = other
        other.bump()
        await fetch_amount(0)
        same.bump()
        return [
            repr(total),
            str(total),
            f"{total} / {total!r}",
            total == Money(price.cents + fee.cents),
            total != price,
            [total] == [Money(total.cents)],
            other.count,
            other == same,
            other == Counter(),
            len({other, same, Counter()}),
            self.bumped(Counter()).count,
        ]

    def make(self, cents: int) -> Money:
        return Money(cents)

    def bumped(self, counter: Counter) -> Counter:
        counter.bump()
        counter.bump()
        return counter


class Holder:
    def __init__(self, items: list[int]) -> None:
        self.items = items


@workflow
class PlainState(Workflow):
    async def run(self, n: int) -> object:
        items: list[int] = []
        holder = Holder(items)
        items.append(await fetch_amount(n))
        holder.label = "set outside"
        strategy = Strategy(n, floor=100)
        strategy.rate = 10
        await fetch_amount(0)
        holder.items.append(strategy.apply(3))
        try:
            Strategy()  # type: ignore[call-arg]
        except TypeError as error:
            missing = str(error)
        try:
            _ = holder.missing  # type: ignore[attr-defined]
        except AttributeError as error:
            absent = str(error)
        return [items, holder.label, strategy.rate, strategy.floor, missing, absent]
