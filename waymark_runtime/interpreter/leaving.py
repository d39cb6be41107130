"""Values as they leave the workflow (an action's arguments, its result, its error): encoded to
JSON and charged to the step's meter for every item the JSON holds, and refused past the
payload limit. Nothing here runs workflow code or touches the machine's continuation.
"""

from __future__ import annotations

from typing import Any

from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.values import JSON
from waymark_runtime.values.objects import leaving_json
from waymark_runtime.values.text import json_size

_SCALARS = frozenset({str, int, float, bool, type(None)})


def encoded_once(guards: Bounded, value: Any, memo: dict[int, tuple[Any, JSON, int]]) -> JSON:
    """`encoded`, once per object among the arguments of one gather's calls: an object
    passed to many of them (a shared config) is one JSON value, which the saved state
    holds once (`persisted`, "shared"). Each use is charged as its first was."""
    if value.__class__ in _SCALARS:
        return encoded(guards, value)
    known = memo.get(id(value))
    if known is not None:
        guards.meter.charge(known[2])
        return known[1]
    left = guards.meter.left
    result = encoded(guards, value)
    memo[id(value)] = (value, result, left - guards.meter.left)
    return result


def encoded(guards: Bounded, value: Any) -> JSON:
    """`value` as it leaves the workflow, charged for every item the JSON holds: unlike saved
    state, it repeats a list reached twice, so `x = [x, x]` twenty times is a million items,
    not twenty."""
    written = guards.charge_leaving(value)
    result = leaving_json(value)
    limit = guards.meter.limits.payload_bytes
    if written.chars > limit // 4 and json_size(result, limit) > limit:
        raise guards.meter.too_large(written.repeated)
    return result
