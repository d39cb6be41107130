"""`Decimal.as_tuple()`: a `DecimalTuple` (sign, digits, exponent) read by field and by index,
kept across an await, compared with a plain tuple, and its `repr`."""

from __future__ import annotations

from decimal import Decimal

from waymark import Workflow, action, workflow


@action
async def price(text: str) -> Decimal:
    return Decimal(text)


@workflow
class DecimalTuples(Workflow):
    async def run(self, text: str) -> list[object]:
        amount = await price(text)
        parts = amount.as_tuple()
        await price("1")
        sign, digits, exponent = parts
        return [
            parts,
            repr(parts),
            type(parts).__name__,
            parts.sign,
            parts.digits,
            parts.exponent,
            parts[1],
            (sign, digits, exponent) == parts,
            parts._asdict(),
            Decimal("-0.00").as_tuple(),
            len(parts.digits),
        ]
