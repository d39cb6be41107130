"""`fractions.Fraction` values: built from ints, text, decimals and floats, exact arithmetic
mixed with ints and floats, comparisons, `str`/`repr`/formatting, `limit_denominator`, their
attributes, kept across awaits and passed to and returned by actions."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from waymark import Workflow, action, workflow


@action
async def share(parts: int) -> Fraction:
    return Fraction(1, parts)


@action
async def describe(value: Fraction) -> str:
    return f"{type(value).__name__}:{value.numerator}/{value.denominator}"


@workflow
class ExactShares(Workflow):
    async def run(self, parts: int, case: str) -> list:
        one = await share(parts)
        if case == "arith":
            total = one * 3 + Fraction("3/4") - Fraction(Decimal("1.25"))
            half = total / 2
            return [
                total,
                half,
                str(total),
                repr(half),
                total < 1,
                total == half * 2,
                total**2,
                -total,
                abs(total),
                int(total),
                float(half),
                round(total, 2),
                total + 0.5,
                total // 1,
                total % 1,
                max(one, half),
                sorted([half, one]),
            ]
        if case == "text":
            approx = Fraction(3.141592653589793).limit_denominator(1000)
            return [
                approx,
                approx.numerator,
                approx.denominator,
                f"{approx}",
                approx.as_integer_ratio(),
                Fraction(" -7/21 "),
                Fraction("1.5e2"),
                Fraction(7),
                Fraction(),
                {Fraction(1, 2): "half"}[Fraction(2, 4)],
                Fraction(2) == 2,
                await describe(one + 1),
            ]
        if case == "zero":
            return [Fraction(parts, 0)]
        return [Fraction("nope")]
