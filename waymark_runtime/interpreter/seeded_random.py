"""`random.Random(seed)`: a generator of pseudo-random numbers made from a seed the workflow
gives, which draws the same numbers in every process (Python's Mersenne Twister), so a
sample, a shuffle or a weighted choice made with it is as reproducible as the seed.

The generator is Python's own, so each draw is CPython's; what a paused frame keeps is its
state (`getstate`), restored with `setstate`. A generator without a seed (`random.Random()`,
`random.Random(None)`) seeds itself from the operating system: refused. Draws that build
collections or numbers (`choices(k=...)`, `sample`, `getrandbits`) are held to the limits
before the work.
"""

from __future__ import annotations

import random
from typing import Any

from waymark_runtime.errors import ProgramError
from waymark_runtime.interpreter.limits import Meter

JSON = Any

RANDOM_METHODS = frozenset(
    {
        "random", "uniform", "randint", "randrange", "choice", "choices", "shuffle", "sample",
        "getrandbits", "gauss", "normalvariate", "triangular", "expovariate",
    }
)  # fmt: skip


def seeded_random(*args: Any, **kwargs: Any) -> random.Random:
    """`random.Random(seed)`, refused without a seed (which Python takes from the system)."""
    seed = args[0] if args else kwargs.get("x")
    if seed is None:
        raise ProgramError(
            "`random.Random()` without a seed is random: give it a seed "
            "(`random.Random(order_id)`), or draw the numbers inside an action"
        )
    return random.Random(*args, **kwargs)


def call_random(
    rng: random.Random, name: str, args: list[Any], kwargs: dict[str, Any], meter: Meter
) -> Any:
    """A draw of `rng`, Python's own, its size held to the limits first."""
    meter.charge(1)
    if name == "choices":
        meter.allow_items(_count(kwargs.get("k", 1)))
    elif name == "sample":
        meter.allow_items(_count(args[1] if len(args) > 1 else kwargs.get("k", 0)))
    elif name == "getrandbits" and args and _count(args[0]) > meter.int_bits:
        raise meter.too_many_digits(int(_count(args[0]) * 0.30103) + 1)
    elif name == "shuffle" and args:
        meter.charge(len(args[0]))
    return getattr(rng, name)(*args, **kwargs)


def _count(value: Any) -> int:
    return value if type(value) is int else 0  # Python's own error for any other


def encode_random(rng: random.Random) -> JSON:
    version, internal, gauss_next = rng.getstate()
    return {"$t": "random", "version": version, "v": list(internal), "gauss": gauss_next}


def decode_random(value: JSON) -> random.Random:
    rng = random.Random(0)
    rng.setstate((value["version"], tuple(value["v"]), value["gauss"]))
    return rng
