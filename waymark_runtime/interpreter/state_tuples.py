"""Tuples in a saved state: one object wherever the workflow held one, a cycle through them
included (`team = (a, b); a.team = team`: `a.team is b.team` after a resume as before).

The encoder numbers tuples as it meets them (`{"$t": "tref"}` for a repeat). A tuple is made
after its items, so a reference back to a tuple still being loaded (from an item's field) is
a stand-in (`Unmade`), replaced by the tuple once it is made in the lists, dicts, sets,
deques and models made while loading it. Only there does the encoder write such a reference:
met again under anything else (a nested tuple, an exception's attributes), a tuple still being
saved is saved again whole, as it was before tuples were numbered.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict, deque
from typing import Any

from waymark_runtime.values import MODEL_VALUES

PATCHABLE: frozenset[type] = (
    frozenset({list, dict, set, deque, Counter, OrderedDict, defaultdict}) | MODEL_VALUES
)
"""What may hold a reference to a tuple being loaded: the containers and models a decoder
makes before their items, and can give the tuple once made."""


class Unmade:
    """A tuple being loaded, where an item refers back to it."""

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used = False


def put_made(unmade: Unmade, made: tuple[Any, ...], holders: list[Any]) -> None:
    """`made` in place of `unmade` in `holders` (containers and models loaded since)."""
    if not unmade.used:
        return
    for holder in holders:
        if isinstance(holder, dict):
            if any(k is unmade or v is unmade for k, v in holder.items()):
                pairs = [(_made(k, unmade, made), _made(v, unmade, made)) for k, v in
                         holder.items()]  # fmt: skip
                holder.clear()  # refilled in its order, a key hashed as the tuple
                holder.update(pairs)
        elif isinstance(holder, list | deque):
            for index, item in enumerate(holder):
                if item is unmade:
                    holder[index] = made
        elif isinstance(holder, set):
            if any(item is unmade for item in holder):
                holder.discard(unmade)
                holder.add(made)
        elif type(holder) in MODEL_VALUES:
            for key, item in holder.fields.items():
                if item is unmade:
                    holder.fields[key] = made


def _made(item: Any, unmade: Unmade, made: tuple[Any, ...]) -> Any:
    return made if item is unmade else item
