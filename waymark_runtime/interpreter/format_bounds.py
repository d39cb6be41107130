"""What a format spec or a `%` template says about the length of the text it makes, read
before the text is: the numbers a spec holds, the conversions of a template and an upper bound
on a Decimal written out in fixed point. `guards` charges and refuses with them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

NUMBER = re.compile(r"\d+")
FIXED_POINT = ("f", "F", "%")


def fixed_point_length(value: Decimal, spec: str) -> int:
    """An upper bound on `len(format(value, spec))` for a fixed-point spec: every digit, every
    zero its exponent adds on either side of the point, thousands separators, and the spec's
    width and precision."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN, Infinity
        return 16
    written = len(digits) + abs(exponent) + 2
    if "," in spec or "_" in spec:
        written = written * 4 // 3
    return written + sum(int(n) for n in NUMBER.findall(spec))


CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def mapping_values(values: tuple[Any, ...]) -> list[Any]:
    if len(values) == 1 and values[0].__class__ is dict:
        return list(values[0].values())
    return list(values)
