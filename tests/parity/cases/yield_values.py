"""`yield` as a value inside larger expressions of a generator helper (`total += (yield
total)`, `log.append((yield))`, `return (yield x) * 2`, in a test, an f-string, a subscript)
and the value of `yield from` (the delegated generator's return value), with what `send`
gives passed on to the generator delegated to, as in CPython."""

from __future__ import annotations

from waymark import Workflow, action, workflow


@action
async def fetch_usage(account: str) -> list[int]:
    return {"acme": [120, 80, 45, 300], "tiny": [], "solo": [7]}[account]


def running_total(start: int):
    total = start
    while True:
        total += yield total


def meter(limit: int):
    """Takes readings by `send`; yields the running state; returns how many were taken."""
    readings: list[int] = []
    while sum(readings) < limit:
        readings.append((yield f"{len(readings)} readings, {sum(readings)} used"))
    return len(readings)


def billing_cycle(limit: int):
    taken = yield from meter(limit)
    summary = {"readings": taken}
    summary["closing"] = (yield f"closed after {taken}") or "none"
    return summary


def invoice_lines(usage: list[int]):
    """Yields each line, then the total; `yield from` of a list returns None."""
    nothing = yield from [f"line {i}: {u}" for i, u in enumerate(usage)]
    yield f"total {sum(usage)} ({nothing})"


def doubled():
    value = 1
    while value:
        value = (yield value) * 2 if value < 1000 else 0


def run_cycle(cycle, readings: list[int]) -> list[object]:
    seen = [next(cycle)]
    try:
        for reading in readings:
            seen.append(cycle.send(reading))
        seen.append(cycle.send("archived"))
    except StopIteration as stop:
        seen.append(["returned", stop.args])
    return seen


@workflow
class UsageBilling(Workflow):
    async def run(self, account: str, limit: int) -> dict[str, object]:
        usage = await fetch_usage(account)
        totals = running_total(10)
        next(totals)
        running = [totals.send(u) for u in usage]
        lines = list(invoice_lines(usage))
        cycle = run_cycle(billing_cycle(limit), usage)
        doubles = doubled()
        steps = [next(doubles)]
        for _ in usage:
            steps.append(doubles.send(steps[-1] + 1))
        return {"running": running, "lines": lines, "cycle": cycle, "steps": steps}


def line_protocol():
    """Reads lines by `send` until None, echoing each; a second `send` confirms it."""
    kept: list[str] = []
    while (line := (yield len(kept))) is not None:
        if (yield line.upper()):
            kept.append(line)
        else:
            kept.append("-")
    return kept


def pair():
    return [(yield "first?"), (yield "second?")]


def ledger(balances: dict[str, int]):
    balances[(yield "account?")] += yield "amount?"
    yield balances


@workflow
class LineProtocol(Workflow):
    async def run(self, lines: list[str]) -> list[object]:
        protocol = line_protocol()
        out: list[object] = [next(protocol)]
        try:
            for line in [*lines, None]:
                out.append(protocol.send(line))
                if line is not None:
                    out.append(protocol.send(len(line) > 1))
        except StopIteration as stop:
            out.append(stop.args)
        both = pair()
        out += [next(both), both.send(lines[:1])]
        try:
            both.send(lines[1:])
        except StopIteration as stop:
            out.append(stop.args)
        book = ledger({"ops": 1})
        out += [next(book), book.send("ops"), book.send(len(lines))]
        return out
