"""The size of a value, nested items included: what the interpreter charges for visiting it
(a comparison, a hash, `repr`), for saving it as state, and for writing it out as JSON when it
leaves the workflow.

`weigh` counts items and estimated characters; `measure` also gives the fewest bytes the JSON
can have and whether the value holds an object more than once. Both do work linear in the
distinct objects of the value and stop once past a bound, so measuring is itself bounded.
"""

from __future__ import annotations

import itertools
from collections import ChainMap, deque
from collections.abc import Iterator
from typing import Any, NamedTuple

from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION, COLLECTIONS, DICTS
from waymark_runtime.values import EnumValue, ExceptionValue, ModelValue

_SCALARS = frozenset({int, float, bool, type(None), complex})
_NUMBERS = frozenset({float, bool, type(None)})
_MUTABLE = frozenset({list, set, deque, ChainMap}) | DICTS
_FLAT_FROM = 8  # shorter containers are walked item by item


def weigh(
    value: Any, cap: int, chars_cap: int = 1 << 62, *, shared: bool = False
) -> tuple[int, int]:
    """(items, characters) of `value`, counting nested items every time they are reached (as a
    comparison, a hash or `repr` visits them); characters estimate `repr`'s length. With
    `shared`, a list, dict or set reached again counts once (as the state codec stores it, so
    cycles are fine). A container reached again inside itself counts as Python's `[...]`:
    comparisons, hashes and `repr` stop there too. The count stops once `items + chars //
    CHARS_PER_OPERATION` passes `cap` or the characters pass `chars_cap`, so its own work is
    bounded."""
    written = measure(value, cap, chars_cap, shared=shared, back_references=True)
    return written.items, written.chars


class Written(NamedTuple):
    """A value written out in full (`measure`): its items and estimated characters as `weigh`
    counts them, the fewest bytes its JSON can have (`least`: 0 when the value is small enough
    to be measured in one pass), and whether it holds one list, dict, set, model or exception
    more than once (`repeated`: each is written in full)."""

    items: int
    chars: int
    least: int
    repeated: bool = False


def measure(
    value: Any,
    cap: int,
    chars_cap: int = 1 << 62,
    *,
    shared: bool = False,
    back_references: bool = False,
) -> Written:
    """`value` written out in full (with `shared`, as `weigh` says), measured once per distinct
    object: a list held a thousand times costs one walk of it, so the work is linear in the
    distinct objects, never in the (perhaps enormous) written size. A small value, the usual
    one, is walked in one pass as it is written; past `_WALK_ALONE` steps the value is walked
    again, remembering what each object came to. It stops once past `cap` (as `weigh`) or
    `chars_cap`; a cycle counts as past `cap` (JSON has no end to its writing), or with
    `back_references` as the `[...]` Python's `repr` writes for it."""
    walked = _walk(value, cap, chars_cap, shared, back_references)
    if walked is not None:
        return walked
    return _measure_shared(value, cap, chars_cap, _BACK_REFERENCE if back_references else None)


_BACK_REFERENCE = Written(1, 5, 0)
"""A container reached again inside itself, as `repr` writes it (`[...]`, `{...}`)."""


_WALK_ALONE = 50_000
"""How far (`items + chars // CHARS_PER_OPERATION`) `_walk` measures a value before it leaves
it to `_measure_shared`: a small value is measured as it is written, with no bookkeeping."""


def _walk(
    value: Any, cap: int, chars_cap: int, shared: bool, back_references: bool
) -> Written | None:
    """`measure` in one pass, every nested item counted each time it is reached (with
    `shared`, a list, dict or set reached again counts once; `least` is not counted); None
    past `_WALK_ALONE` (unless `shared`): the value may hold an object many times, or (with
    `back_references`) hold itself, which only `_measure_shared` sees."""
    items = chars = 0
    stack = [value]
    seen: set[int] | None = set() if shared else None
    bound = cap if shared else min(cap, _WALK_ALONE)
    while stack and items + chars // CHARS_PER_OPERATION <= bound and chars <= chars_cap:
        item = stack.pop()
        kind = item.__class__
        items += 1
        if seen is not None and kind in _MUTABLE:
            if id(item) in seen:
                continue
            seen.add(id(item))
        if kind is str:
            chars += len(item) * (2 if item.isprintable() else 10) + 2
        elif kind in _SCALARS:
            chars += int(item.bit_length() * 0.302) + 2 if kind is int else 24
        elif kind is ChainMap:  # its maps, each walked as a dict
            chars += 10
            stack.append(item.maps)
        elif kind in COLLECTIONS:
            chars += 2 + 2 * len(item)
            for part in (item.keys(), item.values()) if kind in DICTS else (item,):
                if len(part) < _FLAT_FROM:
                    stack.extend(part)
                    continue
                room = min((cap - items) * CHARS_PER_OPERATION, chars_cap) - chars
                flat = _flat(part, room)
                if flat is None:
                    stack.extend(part)
                else:
                    items, chars = items + len(part), chars + flat[0]
        else:
            chars += _structured(item, stack)
    stopped = bound < items + chars // CHARS_PER_OPERATION <= cap or back_references
    if stack and stopped and chars <= chars_cap:
        return None  # stopped at `bound` (or a limit a cycle may have reached), not at a limit
    return Written(items, chars, 0)


def _leaf(item: Any, kind: type) -> tuple[int, int]:
    """(characters, fewest JSON bytes) of a string or number."""
    if kind is str:
        return len(item) * (2 if item.isprintable() else 10) + 2, len(item) + 2
    if kind is int:
        bits = item.bit_length()
        return int(bits * 0.302) + 2, int(bits * 0.301) or 1
    return 24, 1


def _measure_shared(
    value: Any, cap: int, chars_cap: int, back_reference: Written | None = None
) -> Written:
    """`measure` of a value perhaps holding some object more than once: each distinct object
    is walked once and what it came to is added wherever it is held again. A container held
    inside itself counts as `back_reference`, or (None) as past `cap`."""
    done: dict[int, Written] = {}
    frames: list[_Frame] = []
    opened: set[int] = set()  # the containers of `frames`
    repeated = False
    item = value
    while True:
        key = id(item)
        size = done.get(key)
        repeated = repeated or size is not None
        if size is None and key in opened:  # a cycle: no end to its writing
            size = back_reference or Written(cap + 1, 0, 0)
        elif size is None:
            size, frame = _enter(item, key, cap)
            if frame is not None:
                frames.append(frame)
                opened.add(key)
        while True:  # add what was measured to its container; go on with the next part
            if size is not None:
                if not frames:
                    return size._replace(repeated=repeated)
                top = frames[-1]
                top.add(size)
                if top.items + top.chars // CHARS_PER_OPERATION > cap or top.chars > chars_cap:
                    return _partial(frames, repeated)
            top = frames[-1]
            following = next(top.parts, _END)
            if following is not _END:
                item = following
                break
            frames.pop()
            opened.discard(top.key)
            size = done[top.key] = top.total()


_END: Any = object()


class _Frame:
    """A container being measured: its parts still to measure and what the others came to."""

    __slots__ = ("chars", "items", "key", "least", "parts")

    def __init__(self, key: int, parts: Iterator[Any], items: int, chars: int,
                 least: int) -> None:  # fmt: skip
        self.key, self.parts = key, parts
        self.items, self.chars, self.least = items, chars, least

    def add(self, size: Written) -> None:
        self.items += size.items
        self.chars += size.chars
        self.least += size.least

    def total(self) -> Written:
        return Written(self.items, self.chars, self.least)


def _partial(frames: list[_Frame], repeated: bool) -> Written:
    """What the containers open so far came to (past a bound: the walk stops)."""
    return Written(sum(f.items for f in frames), sum(f.chars for f in frames),
                   sum(f.least for f in frames), repeated)  # fmt: skip


def _enter(item: Any, key: int, cap: int) -> tuple[Written | None, _Frame | None]:
    """A string's or number's size, or a frame for a container or structured value (its long
    runs of plain numbers or strings measured at once, at C speed)."""
    kind = item.__class__
    if kind is str or kind in _SCALARS:
        return Written(1, *_leaf(item, kind)), None
    if kind in COLLECTIONS:
        count = len(item)
        chars, least = 2 + 2 * count, 1 + count + (count if kind in DICTS else 0)
        items, rest = 1, []
        for part in (item.keys(), item.values()) if kind in DICTS else (item,):
            room = (cap - items) * CHARS_PER_OPERATION
            flat = _flat(part, room) if len(part) >= _FLAT_FROM else None
            if flat is None:
                rest.append(part)
            else:
                items, chars, least = items + len(part), chars + flat[0], least + flat[1]
        return None, _Frame(key, itertools.chain.from_iterable(rest), items, chars, least)
    parts: list[Any] = []
    chars = _structured(item, parts)
    return None, _Frame(key, iter(parts), 1, chars, 2)


def _flat(values: Any, room: int) -> tuple[int, int] | None:
    """The characters of a run of plain numbers or strings (measured at C speed), and the
    fewest bytes of their JSON; or None. Strings whose printable length alone passes `room`
    are not scanned for escapes: the walk stops there anyway, and scanning a list of one long
    string repeated a million times would read terabytes."""
    kinds = set(map(type, values))
    if kinds == {str}:
        text = sum(map(len, values))
        least = text * 2 + 2 * len(values)
        if least > room or all(map(str.isprintable, values)):
            return least, text + 2 * len(values)
        return least + text * 8, text + 2 * len(values)
    if kinds <= _NUMBERS:
        return 24 * len(values), len(values)
    if kinds == {int} or kinds == {int, bool}:
        digits = int(max(map(abs, values)).bit_length() * 0.302)
        return (digits + 3) * len(values), len(values)
    return None


def _structured(item: Any, stack: list[Any]) -> int:
    """Push the parts of a model or exception value; the characters of anything else."""
    if isinstance(item, ModelValue):
        stack.extend(item.fields.values())
        return len(item.type) + 4 * len(item.fields) + sum(map(len, item.fields))
    if isinstance(item, ExceptionValue):
        stack.extend(item.args)
        stack.extend(item.attrs.values())
        stack.append(item.message)
        return len(item.type) + 4 + sum(map(len, item.attrs))
    if isinstance(item, EnumValue):
        return len(item.type) + len(item.name or "") + 64  # an empty `Flag` has no name
    if isinstance(item, bytes | bytearray):
        return 4 * len(item) + 3
    return 128  # dates, decimals (context-bounded), uuids, types: short representations
