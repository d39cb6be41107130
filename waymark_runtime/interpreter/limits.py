"""The bounds one `start`/`advance` call runs under: an operation budget and value sizes.

A `Meter` holds what the current call may still spend (each `StepContext` owns one, reset from
its `Limits` by `start`/`advance`); the interpreter charges it for loop iterations, comprehension
elements and the work of builtins and operators, and checks the sizes of the strings,
collections and integers it creates. The size of a nested value, for what visiting or writing
it out costs, is `sizes`'.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from waymark_runtime.config import MAX_INT_DIGITS
from waymark_runtime.errors import WaymarkError

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
        elif kind in COLLECTIONS:
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
COLLECTIONS = frozenset({list, tuple, set, frozenset, deque}) | DICTS
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
