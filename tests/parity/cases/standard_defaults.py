"""Defaults that are constants of standard modules (`rounding=ROUND_HALF_EVEN`,
`flags=re.IGNORECASE`, `tz=UTC`): Python evaluates each once, to one immutable value."""

from __future__ import annotations

import decimal
import math
import re
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal

from waymark import Workflow, workflow


def to_cents(amount: Decimal, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=rounding)


def find(pattern: str, text: str, flags: int = re.IGNORECASE) -> list[str]:
    return re.findall(pattern, text, flags)


def at_noon(day: int, tz: tzinfo = UTC) -> str:
    return datetime(2024, 1, day, 12, tzinfo=tz).isoformat()


@workflow
class StandardDefaults(Workflow):
    def turn(self, share: float, whole: float = math.tau) -> float:
        return round(share * whole, 6)

    async def run(self, amount: str, text: str = "Ab aB ab") -> dict[str, object]:
        value = Decimal(amount)
        return {
            "even": str(to_cents(value)),
            "up": str(to_cents(value, decimal.ROUND_UP)),
            "found": find("ab", text),
            "exact": find("ab", text, 0),
            "noon": at_noon(2),
            "turn": self.turn(0.25),
        }
