"""Actions of the override tests: one plain, one with a `Depends` provider."""

from __future__ import annotations

from typing import Annotated

from waymark import Depends, action


class Courier:
    name = "real courier"


def get_courier() -> Courier:
    return Courier()


@action
async def ship(order: str) -> str:
    return f"shipped {order}"


@action
async def dispatch(order: str, courier: Annotated[Courier, Depends(get_courier)]) -> str:
    return f"{order} by {courier.name}"
