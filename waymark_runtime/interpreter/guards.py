"""Python's operators with the interpreter's limits: what can grow a value or take long is
checked, before the work when the size of the result is known in advance (`'a' * 10**10`,
`10**10**8`, `1 << 10**10`), after it when the result is at most the sum of the operands.

Each guard computes exactly what the plain operator computes (same result, same exception);
`operators` calls them only for the operand shapes that need them, so `i < n` and `i += 1`
stay one closure call.

`Guards` binds them to one meter (a `StepContext`'s): its `binary` and `inplace` tables are
what `operators` specialises closures with. The guards of the strings a format or `str()`
makes are its base's, `TextGuards` (`text_guards`).
"""

from __future__ import annotations

import math
import operator
from collections import deque
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from waymark_runtime.interpreter.limits import (
    CALL_OPERATIONS,
    CHARS_PER_OPERATION,
    DICTS,
    VIEWS,
    Meter,
    length,
)
from waymark_runtime.interpreter.sizes import Written, measure, weigh
from waymark_runtime.interpreter.text_guards import _WIDE_INT_BITS, TextGuards
from waymark_runtime.values import MODEL_VALUES, IndexedModelValue, plain_value
from waymark_runtime.values.cycles import self_containing
from waymark_runtime.values.model_values import defines

Operation = Callable[[Any, Any], Any]
_TEXT = (str, bytes, bytearray)
_SEQUENCES = (str, bytes, bytearray, list, tuple)
_CONTAINERS: frozenset[type[Any]] = frozenset({list, tuple, set, frozenset}) | DICTS
_ORDINARY = frozenset({int, float, bool, type(None), str})


def _rounded(digits: float) -> int:
    return int(min(digits, 1e18))


def _cost(value: Any, cap: int, *, shared: bool = False) -> int:
    items, chars = weigh(value, cap, shared=shared)
    return CALL_OPERATIONS + items + chars // CHARS_PER_OPERATION


GUARDED = frozenset({"+", "-", "*", "/", "//", "%", "**", "<<", "&", "|", "^", "==", "!=", "<", "<=",
                     ">", ">=", "in", "not in"})  # fmt: skip
"""The operators with a guard: the keys of `Guards.binary`."""
_INPLACE_APPLY: dict[str, Operation] = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
    "//": operator.ifloordiv,
    "%": operator.imod, "**": operator.ipow, "<<": operator.ilshift, "&": operator.iand,
    "|": operator.ior, "^": operator.ixor,
}  # fmt: skip


class Guards(TextGuards):
    """The guarded operators of one meter."""

    def __init__(self, meter: Meter) -> None:
        super().__init__(meter)
        self.binary: dict[str, Operation] = {
            "+": self.add,
            "-": self.sub,
            "*": self.mul,
            "/": self.truediv,
            "//": self.floordiv,
            "%": self.mod,
            "**": self.power,
            "<<": self.lshift,
            "&": self._bitwise(operator.and_),
            "|": self._bitwise(operator.or_),
            "^": self._bitwise(operator.xor),
            "==": self._comparison(operator.eq),
            "!=": self._comparison(operator.ne),
            "<": self._comparison(operator.lt),
            "<=": self._comparison(operator.le),
            ">": self._comparison(operator.gt),
            ">=": self._comparison(operator.ge),
            "in": self.contains,
            "not in": self.not_contains,
        }
        self.inplace: dict[str, Operation] = {
            op: self._inplace(apply, self.binary[op]) for op, apply in _INPLACE_APPLY.items()
        }

    def _int_work(self, a: int, b: int) -> None:
        """Charge a multiplication or division of wide ints (quadratic in their 64-bit words)."""
        words_a, words_b = a.bit_length() >> 6, b.bit_length() >> 6
        self.meter.charge(words_a * words_b >> 4)

    # -- arithmetic -------------------------------------------------------------------------------

    def add(self, x: Any, y: Any) -> Any:
        return self.settled(x, x + y)

    def sub(self, x: Any, y: Any) -> Any:
        return self.settled(x, x - y)

    def settled(self, x: Any, result: Any) -> Any:
        """`result` of an operation that read `x` (a set or dict is charged for it), checked."""
        if x.__class__ in _CONTAINERS:
            self.meter.charge(len(x))
        return self.meter.settle(result)

    def mul(self, x: Any, y: Any) -> Any:
        if x.__class__ is int and y.__class__ is int:
            bits = x.bit_length() + y.bit_length()
            if bits > _WIDE_INT_BITS:
                self._int_work(x, y)
            product = x * y
            if bits > self.meter.int_bits:
                self.meter.check_int(product)
            return product
        x, y = plain_value(x), plain_value(y)
        if isinstance(x, _SEQUENCES):
            y = _times(y, "__rmul__")
        elif isinstance(y, _SEQUENCES):
            x = _times(x, "__mul__")
        if isinstance(x, _SEQUENCES) and isinstance(y, int):
            self._repeat(x, y)
        elif isinstance(y, _SEQUENCES) and isinstance(x, int):
            self._repeat(y, x)
        return self.meter.settle(x * y)

    def _repeat(self, sequence: Any, times: int) -> None:
        """Refuse `sequence * times` before building it when it would be too long."""
        size = len(sequence) * max(times, 0)
        if isinstance(sequence, _TEXT):
            self.meter.allow_chars(size)
        else:
            self.meter.allow_items(size)

    def truediv(self, x: Any, y: Any) -> Any:
        """`x / y`: a fraction's terms grow with each division, and are checked."""
        result = x / y
        return self.meter.settle(result) if result.__class__ is Fraction else result

    def floordiv(self, x: Any, y: Any) -> Any:
        self.charge_division(x, y)
        return x // y

    def charge_division(self, x: Any, y: Any) -> None:
        if x.__class__ is int and y.__class__ is int and x.bit_length() > _WIDE_INT_BITS:
            self._int_work(x, y)

    def mod(self, x: Any, y: Any) -> Any:
        kx = x.__class__
        if kx is int and y.__class__ is int:
            if x.bit_length() > _WIDE_INT_BITS:
                self._int_work(x, y)
            return x % y
        x = plain_value(x)
        if isinstance(x, _TEXT):
            self.percent_format(x, y)
        return self.meter.settle(x % y)

    def power(self, x: Any, y: Any) -> Any:
        x, y = plain_value(x), plain_value(y)
        if x.__class__ is Fraction or y.__class__ is Fraction:
            self._fraction_power(x, y)
        elif isinstance(x, int) and isinstance(y, int) and y > 1 and abs(x) > 1:
            digits = y * math.log10(abs(x))
            if digits > self.meter.digits + 1:
                raise self.meter.too_many_digits(_rounded(digits))
            words = int(digits * 0.0519) + 1  # decimal digits -> 64-bit words
            self.meter.charge(words * words >> 4)
        return self.meter.settle(x**y)

    def _fraction_power(self, x: Any, y: Any) -> None:
        """Refuse `x ** y` of fractions before the work when its terms would pass the limit: a
        whole exponent raises both terms of the base to its power (a negative one too)."""
        exponent = y.numerator if y.__class__ is Fraction and y.denominator == 1 else y
        if not isinstance(x, int | Fraction) or not isinstance(exponent, int):
            return  # a float, or a root: computed in floating point
        term = max(abs(x.numerator), x.denominator)
        if abs(exponent) > 1 and term > 1:
            digits = abs(exponent) * math.log10(term)
            if digits > self.meter.digits + 1:
                raise self.meter.too_many_digits(_rounded(digits))

    def lshift(self, x: Any, y: Any) -> Any:
        if isinstance(x, int) and isinstance(y, int) and x and y > 0:
            digits = (x.bit_length() + y) * math.log10(2)
            if digits > self.meter.digits + 1:
                raise self.meter.too_many_digits(_rounded(digits))
        return self.meter.settle(x << y)

    def _bitwise(self, apply: Operation) -> Operation:
        """`&`, `|`, `^`: ints never outgrow their operands; sets and dicts are charged."""

        def guarded(x: Any, y: Any) -> Any:
            if x.__class__ is int and y.__class__ is int:
                return apply(x, y)
            if y.__class__ in _CONTAINERS:
                self.meter.charge(len(y))
            return self.settled(x, apply(x, y))

        return guarded

    # -- comparisons ------------------------------------------------------------------------------

    def _comparison(self, apply: Operation) -> Operation:
        """An ordering or equality test, charged for the nested items it may visit."""
        equality = apply in (operator.eq, operator.ne)

        def guarded(x: Any, y: Any) -> Any:
            kx, ky = x.__class__, y.__class__
            if kx in _ORDINARY or ky in _ORDINARY:
                if kx is str and ky is str:
                    self.meter.charge(min(len(x), len(y)) // CHARS_PER_OPERATION)
            elif not (equality and kx is ky and kx in _CONTAINERS and len(x) != len(y)):
                self._charge_pair(x, y)
            return apply(x, y)

        return guarded

    def _charge_pair(self, x: Any, y: Any) -> None:
        """A comparison stops at the first difference: at most the smaller value is visited."""
        first = _cost(x, self.meter.left)
        self.meter.charge(min(first, _cost(y, min(first, self.meter.left))))

    def charge_visit(self, value: Any) -> None:
        """Charge for visiting every nested item of `value` (as a hash or a scan does)."""
        if value.__class__ not in _ORDINARY:
            self.meter.charge(_cost(value, self.meter.left))

    def charge_leaving(self, value: Any) -> Written:
        """Charge for visiting `value` as it is written out as JSON (as `charge_visit`), and
        return its measure: `chars` estimates the characters of that JSON (its UTF-8 bytes
        are at most four times as many). Measured once per distinct object, a value whose JSON
        cannot fit the payload limit, or whose writing out passes the step budget, is refused
        before any of it is written; a value that holds itself (which has no JSON) is refused
        as `ValueNotSerializable`, as the codec would."""
        kind = value.__class__
        if kind in _ORDINARY:
            return Written(1, len(value) if kind is str else 0, 1)
        meter = self.meter
        written = measure(value, max(meter.left, meter.limits.payload_bytes))
        cost = CALL_OPERATIONS + written.items + written.chars // CHARS_PER_OPERATION
        too_large = written.least > meter.limits.payload_bytes
        if too_large or cost > meter.left:
            cycle = self_containing(value)  # counted as endless: say so, not "too large"
            if cycle is not None:
                raise cycle
        if too_large:
            raise meter.too_large(written.repeated)
        if cost > meter.left and written.repeated:
            raise meter.spent_writing(written.items)
        meter.charge(cost)
        return written

    def hashed(self, key: Any) -> Any:
        """`key`, charged for hashing it: a tuple or model hashes every nested item."""
        if key.__class__ not in _ORDINARY:
            self.meter.charge(_cost(key, self.meter.left))
        return key

    def charge_saving(self, value: Any) -> None:
        """Charge for encoding `value` as interpreter state, where a list, dict or set reached
        twice is stored once (values leaving the workflow are charged by `charge_visit`)."""
        if value.__class__ not in _ORDINARY:
            self.meter.charge(_cost(value, self.meter.left, shared=True))

    def contains(self, x: Any, y: Any) -> bool:
        """`x in y` (`not in` negates it): a range answers an int at once, anything else is
        charged for the items it may compare; an iterator is consumed item by item."""
        kind = y.__class__
        if kind is range:
            if x.__class__ is not int and x.__class__ is not bool:
                self.meter.charge(len(y))
        elif kind is str or kind is bytes:
            self.meter.charge(len(y) // CHARS_PER_OPERATION)
            x = plain_value(x)  # `Tier.PRO in "pro,free"`: a `StrEnum` member is a str
        elif kind is list or kind is tuple or kind is deque:
            self.charge_visit(y)
        elif kind in DICTS or kind is set or kind is frozenset:
            self.hashed(x)
        elif kind in VIEWS:
            self.meter.charge(len(y))
        elif hasattr(y, "__next__"):
            return x in self.meter.metered(y)
        return x in y

    def not_contains(self, x: Any, y: Any) -> bool:
        return not self.contains(x, y)

    # -- in place ---------------------------------------------------------------------------------

    def _inplace(self, apply: Operation, guard: Operation) -> Operation:
        """`x op= y`: a list, set or dict changes in place (a list checked before it grows);
        anything else is immutable, so the plain guard computes the same value."""

        def guarded(x: Any, y: Any) -> Any:
            kind = x.__class__
            if kind is list:
                return self._grow_list(apply, x, y)
            if kind is set or kind is dict:
                if y.__class__ in _CONTAINERS:
                    self.meter.charge(len(y))
                return self.meter.settle(apply(x, y))
            if kind in MODEL_VALUES:  # its class's own `__iadd__`, else `x + y`
                return self.meter.settle(apply(x, y))
            return guard(x, y)

        return guarded

    def _grow_list(self, apply: Operation, target: list[Any], other: Any) -> Any:
        if apply is operator.iadd:
            return self.extend(target, other)
        if apply is operator.imul and isinstance(other, int):
            self.meter.allow_items(len(target) * max(other, 0))
        return apply(target, other)

    def extend(self, target: list[Any], items: Any) -> list[Any]:
        """`target += items` / `target.extend(items)`, refused before outgrowing the limit."""
        if hasattr(items, "__len__"):
            self.meter.allow_items(len(target) + length(items))
            target += items
            return target
        for item in self.meter.metered(items):
            target.append(item)
            if len(target) > self.meter.items:
                raise self.meter.too_many_items(len(target))
        return target


def _times(operand: Any, method: str) -> Any:
    """How often a sequence repeats by `operand`: an object whose class has its own
    `__index__` and not `method` (`__rmul__` after the sequence, else `__mul__`) gives its
    index, as Python's sequence repetition takes it; anything else stays as it is."""
    if operand.__class__ is IndexedModelValue and not defines(operand.type, method):
        return operator.index(operand)
    return operand
