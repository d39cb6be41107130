"""Module-level constants computed from other constants by f-strings, subscripts and pure
methods (`f"{PREFIX}-"`, `PREFIX.upper()`, `TABLE["a"]`, a slice, `SEP.join(PARTS)`), alone,
in tables and as arguments of partials: the compiler evaluates them as Python does on import."""

from __future__ import annotations

from functools import partial

from waymark import Workflow, workflow

PREFIX = "ord"
SEP = "-"
WIDTH = 6
RATE = 0.0725
PARTS = ("eu", "west", "1")
TABLE = {"a": 1, "b": (2, 3), "label": "Total"}

KEY = f"{PREFIX}{SEP}"
UPPER = PREFIX.upper()
FIRST = TABLE["a"]
PAIR = TABLE["b"]
LAST = PAIR[-1]
REGION = SEP.join(PARTS)
SHORT = REGION[:4]
PERCENT = f"{RATE:.2%}"
HEADER = f"{TABLE['label']!r:>{WIDTH + 4}}|"
PADDED = PREFIX.zfill(WIDTH).replace("0", ".")
DEFAULTED = TABLE.get("missing", "none").title()
ESCAPED = f"{{{PREFIX}}}\t{LAST}"
LABELS = {"key": KEY, "region": REGION.split(SEP)[0].upper()}


def order_key(prefix: str, number: int, width: int = 0) -> str:
    return f"{prefix}{str(number).zfill(width)}"


ORDER_KEY = partial(order_key, f"{PREFIX}{SEP}", width=WIDTH - 2)
REGION_KEY = partial(order_key, REGION.upper() + "/")


@workflow
class FoldedConstants(Workflow):
    async def run(self, numbers: list[int]) -> dict[str, object]:
        return {
            "values": [KEY, UPPER, FIRST, PAIR, LAST, REGION, SHORT, PERCENT, HEADER],
            "more": [PADDED, DEFAULTED, ESCAPED, LABELS],
            "keys": [ORDER_KEY(n) for n in numbers] + [REGION_KEY(n) for n in numbers],
            "same": PAIR == (2, 3) and UPPER.lower() == PREFIX,
        }
