"""Changing values the body holds: `del`, assigning attributes of models and dataclasses (plain
and augmented, through aliases, across awaits), items of dicts and lists, `assert` and `%`
formatting. Every mutation is followed by an await, so the durable side reads it back from
stored state."""

# The bodies use `%` formatting, and read deleted names, on purpose.
# ruff: noqa: UP031, F505, F507, F821

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from waymark import Workflow, action, workflow


class Job(BaseModel):
    name: str
    status: str = "new"
    count: int = 0
    tags: list[str] = []


class Strict(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    count: int = 0


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)

    count: int = 0


@dataclass
class Tally:
    total: int = 0
    seen: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fixed:
    total: int = 0


@action
async def echo(value: object) -> object:
    return value


@action
async def make_job(name: str) -> Job:
    return Job(name=name)


@workflow
class DeleteNames(Workflow):
    async def run(self, read_after: bool) -> list[object]:
        kept, gone = 1, 2
        del gone
        await echo(kept)
        a, b, c = "a", "b", "c"
        del (a, [b]), c
        await echo(None)
        if read_after:
            return [kept, gone]
        gone = 3
        return [kept, gone]


@workflow
class DeletedInComprehension(Workflow):
    """A deleted variable read inside a comprehension: a free variable of its scope (a
    generator expression; every comprehension before Python 3.12), or read outside it."""

    async def run(self, where: str) -> object:
        gone = [1, 2]
        del gone
        await echo(None)
        if where == "generator":
            return sum(x for x in range(2) if x != gone)
        if where == "list":
            return [x for x in range(2) if x != gone]
        if where == "dict":
            return {x: gone for x in range(2)}
        if where == "nested-first-iterable":  # read outside the inner one, inside the outer
            return sum(x for x in range(1) if x != min(gone, 3, key=lambda v: -v))
        if where == "first-of-nested":  # read outside both
            return [x for x in [y for y in gone]]
        return [x for x in gone]


@workflow
class DeleteUnbound(Workflow):
    async def run(self, first: bool) -> int:
        if first:
            value = 1
        del value
        return 0


@workflow
class DeleteItems(Workflow):
    async def run(self, key: str, index: int) -> list[object]:
        table = {"a": 1, "b": 2, "c": 3}
        items = [0, 1, 2, 3, 4, 5, 6]
        del table["b"]
        del items[1:3], items[::2]
        await echo(0)
        del table[key]
        del items[index]
        await echo(0)
        return [table, items]


@workflow
class DeleteFromImmutable(Workflow):
    async def run(self, which: int) -> object:
        values: list[object] = [(1, 2), "ab", Job(name="x")]
        target = values[which]
        del target[0]  # type: ignore[index]
        return target


@workflow
class AssignAttributes(Workflow):
    async def run(self, name: str, n: int) -> list[object]:
        job = await make_job(name)
        alias = job
        holder = {"job": job, "jobs": [job]}
        job.status = "running"
        job.count += n
        job.tags.append(name)
        tally = Tally()
        tally.total += n * 2
        tally.seen += [name]
        await echo(None)
        alias.count += 1
        holder["jobs"][0].status = "done"
        tally.seen.append("after")
        await echo(None)
        return [job, holder["job"].count, tally, job == alias]


@workflow
class AssignItems(Workflow):
    async def run(self, key: str, index: int) -> list[object]:
        row: dict[str, object] = {"n": 1, "key": key}
        xs = [1, 2, 3]
        counts = {key: 0}
        other = counts
        row["k"] = "v"
        row["n"] += 10  # type: ignore[operator]
        xs[index] = 9
        xs[0] += 100
        counts[key] += 5
        await echo(None)
        other[key] += 1
        xs[index] *= 2
        await echo(None)
        return [row, xs, counts]


@workflow
class AttributeErrors(Workflow):
    async def run(self, case: str) -> object:
        if case == "frozen-model":
            frozen = Frozen()
            frozen.count = 1
            return frozen
        if case == "frozen-dataclass":
            fixed = Fixed()
            fixed.total = 2  # type: ignore[misc]
            return fixed
        if case == "unknown-field":
            job = Job(name="x")
            job.nope = 1  # type: ignore[attr-defined]
            return job
        if case == "validated":
            strict = Strict()
            strict.count = "12"  # type: ignore[assignment]
            await echo(None)
            strict.count += 1
            return strict
        if case == "invalid":
            strict = Strict()
            strict.count = "twelve"  # type: ignore[assignment]
            return strict
        if case == "exception":
            error = ValueError("bad")
            error.code = 7  # type: ignore[attr-defined]
            return error.code  # type: ignore[attr-defined]
        plain = {"a": 1}
        plain.status = "x"  # type: ignore[attr-defined]
        return plain


@workflow
class Asserts(Workflow):
    async def run(self, n: int) -> list[int]:
        assert n != 1
        assert n != 2, f"n is {n}"
        assert n != 3, await echo("awaited only when the assertion fails")
        assert await echo(n) != 4, "awaited test"
        return [n]


@workflow
class PercentFormatting(Workflow):
    async def run(self, value: object, name: str) -> list[str]:
        job = Job(name=name)
        out = [
            "%s-%r" % (value, name),
            "%(name)s has %(count)03d" % {"name": name, "count": 7},
            "%5.1f|%-6s|%x|%%" % (2.5, name, 255),
            "job: %s" % job.name,
            "%s" % [value],
            "%d items" % value,
        ]
        await echo(None)
        return out


@workflow
class PercentErrors(Workflow):
    async def run(self, case: int) -> str:
        if case == 0:
            return "%s %s" % ("only one",)
        if case == 1:
            return "%s" % ("a", "b")
        if case == 2:
            return "%(missing)s" % {}
        return "%d" % "text"


@action
async def sent_to(address: str) -> str:
    return address


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


@workflow
class FieldAliasesAcrossAwaits(Workflow):
    """Names aliasing a dataclass's fields, held across awaits with an iterator alive (the
    state is stored and read back): each alias is still its own field."""

    async def run(self, addresses: list[str]) -> list[object]:
        report = Report()
        sent, failed = report.sent, report.failed
        for address, n in zip(addresses, range(9), strict=False):
            if n % 2:
                failed[address] = await sent_to(address)
            else:
                sent.append(await sent_to(address))
        pending = (a.upper() for a in addresses)
        await sent_to("last")
        sent.append("after")
        failed["after"] = "x"
        return [report, list(pending)]


@dataclass
class Counterpart:
    n: int = 0


@workflow
class AttributesInUnpacking(Workflow):
    """An attribute among the names an unpacking assigns (`box.n, b = ...`, a `for` target)."""

    async def run(self, a: int) -> list[object]:
        box = Counterpart()
        box.n, b = a, 2
        first, *rest = [a, 3, 4]
        for box.n, c in [(5, 6), (a, 7)]:
            b += box.n + c
        return [box, b, first, rest, c]


@workflow
class ViewsAcrossAwaits(Workflow):
    """A dict view held across an await is still a view of its dict, while a `zip` held with it
    is materialised (and so the frame is resumed from its saved state)."""

    async def run(self, names: list[str]) -> list[object]:
        stock = {name: len(name) for name in names}
        keys, values, pairs = stock.keys(), stock.values(), zip(names, names, strict=True)
        await echo(len(stock))
        stock["extra"] = 5
        return [len(keys), sorted(keys), sum(values), list(pairs), "extra" in keys]
