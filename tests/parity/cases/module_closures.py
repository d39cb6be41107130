"""Functions defined inside plain module-level functions a workflow calls: closures reading the
function's variables (`cuts` in `psi`), a lambda bound to a name, a nested function with a
default computed from a variable, a nested generator, one nested function calling another,
one raising, and an async module function whose nested async function is gathered."""

from __future__ import annotations

import asyncio
import statistics

from waymark import Workflow, action, workflow


@action
async def score(label: str, value: int) -> str:
    return f"{label}:{value}"


def psi(expected: list[float], actual: list[float]) -> list[int]:
    cuts = statistics.quantiles(expected, n=4)

    def bucket(v: float) -> int:
        return sum(v > c for c in cuts)

    return [bucket(v) for v in actual]


def labelled(rows: list[int], prefix: str) -> list[str]:
    width = max(len(str(r)) for r in rows)
    pad = lambda r: str(r).zfill(width)  # noqa: E731 (a lambda bound to a name)

    def tag(r: int, sep: str = prefix + "-") -> str:
        return sep + pad(r)

    def evens() -> object:
        for r in rows:
            if r % 2 == 0:
                yield tag(r)

    return [*evens(), tag(rows[0], sep="#")]


def checked(values: list[int], limit: int) -> int:
    def check(v: int) -> int:
        if v > limit:
            raise ValueError(f"{v} over {limit}")
        return v

    return sum(check(v) for v in values)


async def scored(rows: list[int], label: str) -> list[str]:
    async def one(value: int) -> str:
        return await score(label, value * 2)

    return list(await asyncio.gather(*[one(r) for r in rows]))


@workflow
class ModuleClosures(Workflow):
    async def run(self, xs: list[float], ys: list[float], rows: list[int], limit: int) -> object:
        out: dict[str, object] = {"psi": psi(xs, ys), "tags": labelled(rows, "r")}
        try:
            out["total"] = checked(rows, limit)
        except ValueError as error:
            out["error"] = str(error)
        out["scored"] = await scored(rows, "s")
        return out
