"""A booking saga: each step's compensation runs in reverse when a later step fails, a failed
compensation is logged with `logger.exception` and the saga goes on, and the result describes
the exception of a class with its own `__str__` and attributes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from waymark import RetryPolicy, Workflow, action, workflow

logger = logging.getLogger(__name__)


class BookingError(Exception):
    retryable = False

    def __init__(self, message: str, *, code: str = "E000", details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.details = details or {}

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class SoldOut(BookingError):
    pass


class Transient(BookingError):
    retryable = True


@dataclass
class Booking:
    kind: str
    ref: str
    price: float


ATTEMPTS: dict[str, int] = {}


def reset() -> None:
    ATTEMPTS.clear()


@action
async def book(kind: str, trip: str) -> Booking:
    ATTEMPTS[kind] = ATTEMPTS.get(kind, 0) + 1
    if trip == f"no-{kind}":
        raise SoldOut(
            f"no {kind} for {trip}", code=f"{kind[:3].upper()}-409", details={"trip": trip}
        )
    if trip == "flaky" and kind == "car" and ATTEMPTS[kind] < 2:
        raise Transient("car api hiccup", code="CAR-503")
    price = {"flight": 420.0, "hotel": 180.5, "car": 60.25}[kind]
    return Booking(kind, f"{kind}-{trip}", price)


@action
async def cancel(booking: Booking) -> str:
    if booking.kind == "flight" and booking.ref.endswith("car"):
        raise RuntimeError(f"cannot cancel {booking.ref}")
    return f"cancelled {booking.ref}"


@workflow
class TripSaga(Workflow):
    async def run(self, trip: str) -> dict[str, Any]:
        done: list[Booking] = []
        try:
            for kind in ("flight", "hotel", "car"):
                done.append(
                    await self.run_action(
                        book(kind, trip), retry=RetryPolicy(attempts=3, exception_types=[Transient])
                    )
                )
        except BookingError as exc:
            undone: list[str] = []
            for booking in reversed(done):
                try:
                    undone.append(await cancel(booking))
                except Exception as cancel_error:
                    logger.exception("compensation of %s failed", booking.ref)
                    undone.append(f"{booking.kind}: {cancel_error!r}")
            return {
                "status": "rolled back",
                "error": str(exc),
                "type": type(exc).__name__,
                "code": exc.code,
                "retryable": exc.retryable,
                "details": exc.details,
                "undone": undone,
                "args": list(exc.args),
            }
        total = sum(b.price for b in done)
        return {"status": "booked", "refs": [b.ref for b in done], "total": f"{total:.2f}"}
