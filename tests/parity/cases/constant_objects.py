"""Module-level constants and tables holding the user's value objects (dataclasses, named
tuples, pydantic models) built from constants: read wherever the workflow needs them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import NamedTuple

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Region(Enum):
    EU = "eu"
    US = "us"


@dataclass(frozen=True)
class Tier:
    name: str
    floor: Decimal
    rate: Decimal
    regions: tuple[Region, ...] = (Region.EU, Region.US)


class Point(NamedTuple):
    x: int
    y: int


class Limits(BaseModel):
    per_day: int
    burst: int = 5


@dataclass
class Stage:
    percent: int
    origin: Point


TIERS = (
    Tier("base", Decimal("0"), Decimal("0.10")),
    Tier("silver", Decimal("100"), Decimal("0.08"), regions=(Region.EU,)),
    Tier(name="gold", floor=Decimal("1000"), rate=Decimal("0.05")),
)
ORIGIN = Point(0, 0)
LIMITS = {"free": Limits(per_day=10), "pro": Limits(per_day=1_000, burst=50)}
STAGES = [Stage(1, Point(1, 2)), Stage(percent=50, origin=Point(0, 0))]


@action
async def spend(customer: str) -> str:
    return {"a": "40", "b": "250.5", "c": "5000"}.get(customer, "0")


@workflow
class ConstantObjects(Workflow):
    async def run(self, customer: str, plan: str = "free", region: str = "eu") -> dict[str, object]:
        amount = Decimal(await spend(customer))
        tier = max((t for t in TIERS if t.floor <= amount), key=lambda t: t.floor)
        eligible = [t.name for t in TIERS if Region(region) in t.regions]
        first = STAGES[0]
        return {
            "tier": tier,
            "fee": f"{amount * tier.rate:.2f}",
            "eligible": eligible,
            "limits": LIMITS.get(plan, LIMITS["free"]),
            "origin": ORIGIN._replace(y=3),
            "stages": [(s.percent, tuple(s.origin)) for s in STAGES[1:]],
            "first": first.percent + first.origin.y,
            "same": Point(0, 0) == ORIGIN,
        }
