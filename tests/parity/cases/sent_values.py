"""`yield` as a value in generator helpers: `x = yield v` bound to what `send` gives (None for
`next`), a generator resumed by `send` across an await, an unpacked target, Python's errors
for a non-None value sent to a generator that has not started and for one that has ended."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def ping(value: int) -> int:
    return value


def running_total(start: int = 0) -> object:
    total = start
    while True:
        sent = yield total
        if sent is None:
            return
        total += sent


def pairs() -> object:
    seen = []
    while len(seen) < 3:
        key, value = yield len(seen)
        seen.append(f"{key}={value}")
    yield seen


def echo() -> object:
    received = yield
    yield f"got {received}"
    plain = yield "plain"
    yield plain


@workflow
class SentValues(Workflow):
    async def run(self, amounts: list[int]) -> list[object]:
        totals = running_total(10)
        out: list[object] = [next(totals)]
        for amount in amounts:
            out.append(totals.send(amount))
            await ping(amount)
        try:
            totals.send(None)
        except StopIteration:
            out.append("ended")
        try:
            totals.send(1)
        except StopIteration:
            out.append("still ended")
        keyed = pairs()
        out.append(next(keyed))
        out += [keyed.send(("a", 1)), keyed.send(("b", 2)), keyed.send(("c", 3))]
        fresh = running_total()
        try:
            fresh.send(5)
        except TypeError as error:
            out.append(str(error))
        said = echo()
        out += [next(said), said.send("x"), said.send("ignored"), next(said)]
        return out
