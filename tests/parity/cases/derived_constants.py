"""Module-level constants computed from other constants: arithmetic on numbers, durations
and strings, `timedelta`s of computed numbers, tuples and tables naming them, value objects
built of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Final

from waymark import Workflow, action, workflow

BASE_DELAY = 2
MAX_DELAY = BASE_DELAY * 30
MAX_RETRIES: Final = 3
ATTEMPTS = MAX_RETRIES + 1
WINDOW = timedelta(minutes=5)
LONG_WINDOW = WINDOW * 3
WEEK = timedelta(hours=24 * 7)
GRACE = timedelta(seconds=BASE_DELAY * 60, minutes=-1)
PREFIX = "orders"
QUEUE = PREFIX + ".high"
VAT = Decimal("0.20")
GROSS = 1 + VAT
DELAYS = (BASE_DELAY, MAX_DELAY)
LIMITS = {"low": BASE_DELAY, "high": MAX_DELAY}
NAMES = [PREFIX, QUEUE]


@dataclass(frozen=True)
class Policy:
    attempts: int
    window: timedelta


DEFAULT_POLICY = Policy(ATTEMPTS, LONG_WINDOW)


@action
async def net(order: str) -> str:
    return "12.50" if order else "0"


@workflow
class DerivedConstants(Workflow):
    async def run(self, order: str, level: str = "low") -> dict[str, object]:
        amount = Decimal(await net(order))
        delays = [min(BASE_DELAY * 2**i, MAX_DELAY) for i in range(ATTEMPTS + 3)]
        return {
            "delays": delays,
            "window": LONG_WINDOW.total_seconds(),
            "durations": [str(WEEK), str(GRACE)],
            "queue": QUEUE,
            "gross": f"{amount * GROSS:.2f}",
            "pair": DELAYS,
            "limit": LIMITS.get(level, -1),
            "names": NAMES,
            "policy": DEFAULT_POLICY,
        }
