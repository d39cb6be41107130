"""An exception in a format spec: Python's error names its class."""

from __future__ import annotations

from waymark import Workflow, action, workflow


class PaymentFailed(Exception):
    pass


@action
async def charge(amount: int) -> str:
    raise PaymentFailed(f"card declined for {amount}")


@workflow
class ChargeReport(Workflow):
    async def run(self, amount: int) -> str:
        try:
            return await charge(amount)
        except PaymentFailed as e:
            try:
                return f"{e:>40}"
            except TypeError as te:
                return str(te)
