"""The bounds one `start`/`advance` call runs under: an operation budget and value sizes.

A `Meter` holds what the current call may still spend (each `StepContext` owns one, reset from
its `Limits` by `start`/`advance`); the interpreter charges it for loop iterations, comprehension
elements and the work of builtins and operators, and checks the sizes of the strings,
collections and integers it creates.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import sys
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from waymark_runtime.config import MAX_INT_DIGITS
from waymark_runtime.errors import WaymarkError
from waymark_runtime.values import EnumValue, ExceptionValue, ModelValue

if TYPE_CHECKING:
    from waymark_runtime.interpreter.code import Code


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The configurable bounds (`WAYMARK_MAX_*`, see docs/runtime.md "Limits")."""

    operations: int = 10_000_000
    collection_length: int = 1_000_000
    string_length: int = 10_000_000
    int_digits: int = 4_300
    regex_milliseconds: int = 1_000
    payload_bytes: int = 32 * 1024 * 1024

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value.__class__ is not int or value < 1:
                raise ValueError(f"Limits.{field.name} must be a positive int, got {value!r}")
        if self.int_digits > MAX_INT_DIGITS:
            raise ValueError(f"Limits.int_digits must be at most {MAX_INT_DIGITS:,}")


class LimitExceeded(WaymarkError):
    """the workflow exceeded a limit of the interpreter"""

    def __init__(self, what: str, detail: str, setting: str, limit: int) -> None:
        self._what, self._detail, self.setting, self.limit = what, detail, setting, limit
        self.line: int | None = None
        self.place = ""
        self.where: dict[str, Any] | None = None
        """Where it was raised (`place_of`), once located."""
        super().__init__(self._message())

    def _message(self) -> str:
        where = f" at {self.place}" if self.place else ""
        return f"{self._what}{where}: {self._detail} ({self.setting})"

    def locate(self, code: Code, pc: int) -> None:
        """Name the source line (once: the innermost frame knows it best), and for a function
        of another module its file and name, as a traceback would."""
        if self.line is None:
            self.where = place_of(code, pc)
            self.line = code.lines[pc]
            self.place = source_place(self.line, code.module, code.name)
            self.args = (self._message(),)


def place_of(code: Code, pc: int) -> dict[str, Any]:
    """A failure's `where`: the function and line, and the module of a function of another
    module than the workflow's (its line is one of that module's file)."""
    where: dict[str, Any] = {"function": code.name, "line": code.lines[pc]}
    if code.module:
        where["module"] = code.module
    return where


def source_place(line: int, module: str = "", function: str = "") -> str:
    """Where `line` is: `line 12` of the workflow's own file; of a function of another module,
    `"/app/shop/pricing.py", line 12, in total` as a traceback says it (the module's name
    when it is not loaded in this process: `shop.pricing, line 12, in total`)."""
    if not module:
        return f"line {line}"
    loaded = sys.modules.get(module)
    path = getattr(loaded, "__file__", None)
    file = f'"{path}"' if isinstance(path, str) else module
    return f"{file}, line {line}, in {function}"


_REPEATED = (
    "it holds the same list, dict, set or object several times (as `[[0] * n] * n` does), and "
    "JSON writes each one out in full: build distinct values, or send the one part once"
)

CHARS_PER_OPERATION = 64  # one operation per 64 characters a string operation reads or writes


class Meter:
    """What the current interpreter call may still spend, and the size limits it runs under."""

    __slots__ = ("chars", "digits", "int_bits", "int_cap", "items", "left", "limits",
                 "regex_seconds")  # fmt: skip

    def __init__(self, limits: Limits | None = None) -> None:
        self.reset(limits or Limits())

    def reset(self, limits: Limits) -> None:
        self.limits = limits
        self.left = limits.operations
        self.items = limits.collection_length
        self.chars = limits.string_length
        self.regex_seconds = limits.regex_milliseconds / 1000
        if getattr(self, "digits", None) != limits.int_digits:
            self.digits = limits.int_digits
            self.int_bits = int(limits.int_digits / math.log10(2))  # fewer bits: fewer digits
            self.int_cap = 10**limits.int_digits

    # -- the operation budget -----------------------------------------------------------------

    def charge(self, operations: int) -> None:
        self.left -= operations
        if self.left < 0:
            raise self.spent()

    def spent(self) -> LimitExceeded:
        self.left = -1  # stays spent: a caller that swallows the error cannot run on
        return LimitExceeded(
            "step budget exceeded",
            f"more than {self.limits.operations:,} operations without awaiting; move heavy "
            "computation into an action",
            "WAYMARK_MAX_STEP_OPERATIONS",
            self.limits.operations,
        )

    def regex_too_slow(self) -> LimitExceeded:
        """The step spent its time for regular expressions (a wall-clock bound: a match that
        backtracks without end cannot be counted in operations, only stopped)."""
        self.regex_seconds = 0.0
        milliseconds = self.limits.regex_milliseconds
        return LimitExceeded(
            "regular expression too slow",
            f"more than {milliseconds:,} ms matching regular expressions without awaiting; a "
            "pattern with nested repeats such as `(a+)+$` can take exponential time: simplify "
            "it, or match in an action",
            "WAYMARK_MAX_REGEX_MILLISECONDS",
            milliseconds,
        )

    # -- sizes --------------------------------------------------------------------------------

    def too_many_items(self, count: int) -> LimitExceeded:
        return LimitExceeded(
            "collection too long",
            f"{count:,} items, the limit is {self.items:,}",
            "WAYMARK_MAX_COLLECTION_LENGTH",
            self.items,
        )

    def too_long(self, length: int) -> LimitExceeded:
        return LimitExceeded(
            "string too long",
            f"{length:,} characters, the limit is {self.chars:,}",
            "WAYMARK_MAX_STRING_LENGTH",
            self.chars,
        )

    def too_large(self, repeated: bool = False) -> LimitExceeded:
        """A value leaving the workflow (an action's argument, a child's input, the result, an
        error) whose JSON would be larger than an action's result may be (`repeated`: it holds
        one object several times, each written out in full)."""
        limit = self.limits.payload_bytes
        why = f"; {_REPEATED}" if repeated else ""
        return LimitExceeded(
            "value too large", f"its JSON is more than {limit:,} bytes{why}",
            "WAYMARK_MAX_PAYLOAD_BYTES", limit,
        )  # fmt: skip

    def spent_writing(self, items: int) -> LimitExceeded:
        """A value leaving the workflow that holds one object several times, whose writing out
        in full (`items` and more) would pass the step budget."""
        self.left = -1
        return LimitExceeded(
            "step budget exceeded",
            f"writing the value out takes more than {items:,} items, more than "
            f"{self.limits.operations:,} operations without awaiting; {_REPEATED}",
            "WAYMARK_MAX_STEP_OPERATIONS",
            self.limits.operations,
        )

    def too_many_digits(self, digits: int | None = None) -> LimitExceeded:
        size = f"about {digits:,} digits" if digits is not None else "more digits"
        return LimitExceeded(
            "integer too large",
            f"{size}, the limit is {self.digits:,}",
            "WAYMARK_MAX_INT_DIGITS",
            self.digits,
        )

    def check_int(self, value: int) -> None:
        if value.bit_length() > self.int_bits and not -self.int_cap < value < self.int_cap:
            raise self.too_many_digits(int(value.bit_length() * math.log10(2)) + 1)

    def allow_items(self, count: int) -> None:
        """Refuse, before building it, a collection of `count` items; charge its building."""
        if count > self.items:
            raise self.too_many_items(count)
        self.charge(count)

    def allow_chars(self, length: int) -> None:
        """Refuse, before building it, a string of `length` characters; charge its building."""
        if length > self.chars:
            raise self.too_long(length)
        self.charge(length // CHARS_PER_OPERATION)

    def settle(self, value: Any) -> Any:
        """Check and charge a value an operation just created; returns it."""
        kind = value.__class__
        if kind is int:
            if value.bit_length() > self.int_bits:
                self.check_int(value)
        elif kind is str or kind is bytes or kind is bytearray:
            self.allow_chars(len(value))
        elif kind in _COLLECTIONS:
            self.allow_items(len(value))
        elif kind is Fraction:
            for term in (value.numerator, value.denominator):
                if term.bit_length() > self.int_bits:
                    self.check_int(term)
        return value

    def metered(self, iterable: Any) -> Any:
        """`iterable` for a consumer that visits each item: a sized one is charged now, an
        iterator item by item (a generator expression over `range(10**12)` stops in time)."""
        if iterable.__class__ in SIZED:
            self.charge(length(iterable))
            return iterable
        return self._counted(iter(iterable))

    def _counted(self, iterator: Iterator[Any]) -> Iterator[Any]:
        for item in iterator:
            self.left -= 1
            if self.left < 0:
                raise self.spent()
            yield item

    def materialise(self, iterable: Iterable[Any]) -> list[Any]:
        """`list(iterable)`, refused beyond the collection limit before it is built."""
        if iterable.__class__ in SIZED:
            self.allow_items(length(iterable))
            return list(iterable)
        out = []
        for item in self._counted(iter(iterable)):
            out.append(item)
            if len(out) > self.items:
                raise self.too_many_items(len(out))
        return out


# `dict` and the dicts a workflow may build (`Counter`, `defaultdict`): walked, sized and
# limited alike.
DICTS: frozenset[type[Any]] = frozenset({dict, Counter, defaultdict, OrderedDict})
_COLLECTIONS = frozenset({list, tuple, set, frozenset, deque}) | DICTS
VIEWS: frozenset[type] = frozenset(map(type, ({}.keys(), {}.values(), {}.items())))
SIZED = (
    frozenset({list, tuple, set, frozenset, deque, str, bytes, bytearray, range}) | DICTS | VIEWS
)


def length(sized: Any) -> int:
    """`len(sized)`, also for a range longer than `sys.maxsize`."""
    try:
        return len(sized)
    except OverflowError:
        return 2**63


# ---------------------------------------------------------------------------------------------
# The size of a value, nested items included
# ---------------------------------------------------------------------------------------------

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
        elif kind in _COLLECTIONS:
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
    if kind in _COLLECTIONS:
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


def weight(node: Any) -> int:
    """The operations one evaluation of an IR subtree counts: one per node, more for a call
    (a loop iteration costs its body's weight, so a long body cannot hide work behind one
    count; a call's own cost is more than a node's)."""
    if isinstance(node, tuple):
        return sum(map(weight, node))
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return 0
    fields = (f.name for f in dataclasses.fields(node) if f.name != "span")
    own = CALL_OPERATIONS if type(node).__name__ in _CALLS else 1
    return own + sum(weight(getattr(node, name)) for name in fields)


CALL_OPERATIONS = 8  # a call, or visiting a value's nested items, costs this much to begin
ITEM_OPERATIONS = 4  # one item of a comprehension or generator expression, before its parts
# An awaited action call or gathered helper: the attempt it plans (and later the result it
# settles) costs the runner about as much as a few hundred cheap operations, so a gather of a
# million calls is refused at about 130,000 instead of blocking its runner for half a minute.
AWAIT_OPERATIONS = 64
_CALLS = frozenset({"Call", "MethodCall", "New", "HelperCall", "Comprehension"})
