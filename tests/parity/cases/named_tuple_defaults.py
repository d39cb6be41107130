"""`_field_defaults` of a `NamedTuple`, on the class and on a value."""

from __future__ import annotations

from typing import NamedTuple

from waymark import Workflow, action, workflow


class Charge(NamedTuple):
    amount: int
    currency: str = "EUR"


@action
async def amount_for(customer: str) -> int:
    return 1250


@workflow
class ChargeDefaults(Workflow):
    async def run(self, customer: str) -> list:
        c = Charge(await amount_for(customer))
        return [Charge._field_defaults, c._field_defaults, c._fields]
