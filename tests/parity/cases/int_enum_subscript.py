"""`member[0]` on an int enum: Python's `TypeError` naming the enum."""

from __future__ import annotations

from enum import IntEnum

from waymark import Workflow, action, workflow


class Tier(IntEnum):
    FREE = 0
    PRO = 2


@action
async def plan_of(customer: str) -> Tier:
    return Tier.PRO


@workflow
class PlanCode(Workflow):
    async def run(self, customer: str) -> str:
        plan = await plan_of(customer)
        try:
            return plan[0]
        except TypeError as e:
            return "TypeError: " + str(e)
