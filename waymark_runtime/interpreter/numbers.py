"""The numeric builtins under the interpreter's limits: `int()` of text and decimals, `divmod`,
`pow`, the `math` functions, `hex`/`oct`/`bin`, `factorial`/`comb`/`perm`, `Fraction()` of
text and decimals and `round()` of a fraction, each charged
for the size of its operands and refused before the work when its result would pass
`WAYMARK_MAX_INT_DIGITS` or the string limit. `Bounded` (the other builtins) builds on it.
"""

from __future__ import annotations

import builtins
import math
import re
import statistics
import textwrap
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from waymark_runtime.interpreter.guards import Guards
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION, SIZED, length
from waymark_runtime.values import EnumValue, plain_value

TEXT = (str, bytes, bytearray)  # what string operations are charged on, 64 characters at a time

# The exponent of a number written as text (`Fraction("1.5e3")`), which `Fraction` expands.
_EXPONENT = re.compile(r"[eE]([-+]?[\d_]+)")


class Numbers(Guards):
    """The numeric builtins of one meter (methods bound into `Bounded.builtins`)."""

    def _combinatorial(self, function: Callable[..., int]) -> Callable[..., int]:
        """`factorial(n)`, `comb(n, k)`, `perm(n, k)`: the digits of the result, known from
        `lgamma` before the work, refused past the limit; Python's own errors otherwise."""

        def guarded(*args: Any) -> int:
            n, k = (*args, None, None)[:2]
            k = n if k is None else k  # `factorial(n)`, `perm(n)`: all n
            if n.__class__ is int and k.__class__ is int and 0 <= k <= n:
                drop = math.lgamma(n - k + 1)
                if function is math.comb:
                    drop += math.lgamma(k + 1)
                digits = int((math.lgamma(n + 1) - drop) / math.log(10)) + 1
                if digits > self.meter.digits:
                    raise self.meter.too_many_digits(digits)
                self.meter.charge(digits * digits >> 8)
            result: int = self.meter.settle(function(*args))
            return result

        return guarded

    def _radix(self, function: Callable[[Any], str], bits: int) -> Callable[[Any], str]:
        """`hex`, `oct`, `bin`: the text of a wide int refused before it is written."""

        def guarded(value: Any) -> str:
            if value.__class__ is int:
                self.meter.allow_chars(value.bit_length() // bits + 3)
            return function(value)

        return guarded

    def _int(self, *args: Any, **kwargs: Any) -> Any:
        if args:
            value = args[0]
            if value.__class__ in TEXT:
                self.meter.charge(len(value) // CHARS_PER_OPERATION)
            elif (
                value.__class__ is Decimal
                and value.is_finite()
                and value.adjusted() > self.meter.digits
            ):
                raise self.meter.too_many_digits(value.adjusted() + 1)
        return self.meter.settle(builtins.int(*args, **kwargs))

    def _fraction(self, *args: Any, **kwargs: Any) -> Fraction:
        """`Fraction(...)`: text and decimals written with an exponent are expanded into whole
        terms, refused before the work past the digit limit."""
        args = tuple(map(self._numeric_argument, args))
        for value in args:
            digits = self._fraction_digits(value)
            if digits > self.meter.digits:
                raise self.meter.too_many_digits(digits)
        return self.meter.settle(Fraction(*args, **kwargs))  # type: ignore[no-any-return]

    def _fraction_digits(self, value: Any) -> int:
        """About how many digits the terms of `Fraction(value)` have (0: bounded anyway)."""
        if value.__class__ is str:
            self.meter.charge(len(value) // CHARS_PER_OPERATION)
            found = _EXPONENT.search(value)
            if found is None:
                return 0
            written = found.group(1).replace("_", "").lstrip("+-")
            return len(value) + (int(written) if len(written) < 12 else 10**12)
        if value.__class__ is Decimal and value.is_finite():
            _, figures, exponent = value.as_tuple()
            return len(figures) + abs(int(exponent))
        return 0

    def _round(self, *args: Any, **kwargs: Any) -> Any:
        """`round(number, places)`: a fraction is scaled by ten to the `places`, and an int
        rounded to far more places than it has digits is 0."""
        places: Any = args[1] if len(args) > 1 else kwargs.get("ndigits")
        number: Any = args[0] if args else None
        wide = places.__class__ is int and abs(places) > self.meter.digits
        if wide and number.__class__ is Fraction:
            raise self.meter.too_many_digits(abs(places))
        whole = number.__class__ is int and places.__class__ is int
        if whole and -places > number.bit_length() * 0.302 + 2:  # 10 ** -places > 2 * |number|
            return 0  # Python's answer, without the power of ten it would compute
        return self.meter.settle(builtins.round(*args, **kwargs))

    def _divmod(self, *args: Any) -> Any:
        if len(args) == 2:
            self.charge_division(*args)
        return builtins.divmod(*args)  # type: ignore[misc]

    def _pow(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 2 and not kwargs:
            return self.power(*args)
        if len(args) == 3 and isinstance(args[1], int) and isinstance(args[2], int):
            words = (args[2].bit_length() >> 6) + 1
            self.meter.charge(abs(args[1]).bit_length() * words * words >> 4)
        return builtins.pow(*args, **kwargs)

    def _numeric(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """A `math` function: charged for its arguments (a collection or an iterator item by
        item, a wide int for its size) and its result checked; Python's own errors."""

        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.meter.charge(len(args))
            return self.meter.settle(function(*map(self._numeric_argument, args), **kwargs))

        return guarded

    def _numeric_argument(self, value: Any) -> Any:
        kind = value.__class__
        if kind is EnumValue and value.mix in (
            "int",
            "float",
            "Decimal",
        ):  # `Decimal(Prio.HIGH)`: an int
            value = plain_value(value)
            kind = value.__class__
        if kind is int:
            words = value.bit_length() >> 6
            self.meter.charge(words * words >> 4)
        elif kind in SIZED:
            self.meter.charge(length(value))
        elif hasattr(value, "__next__"):
            return self.meter.metered(value)
        return value

    def _quantiles(self, data: Any, *, n: Any = 4, method: Any = "exclusive") -> Any:
        """`statistics.quantiles`: its `n - 1` cut points refused past the collection limit
        before they are computed."""
        if isinstance(n, int) and n > 1:
            self.meter.allow_items(n - 1)
        return self._numeric(statistics.quantiles)(data, n=n, method=method)

    def _indent(self, text: Any, prefix: Any, predicate: Any = None) -> Any:
        """`textwrap.indent(text, prefix)`: refused before it is built past the string limit
        (a prefix on every line); a `predicate`, which is a function, is not taken."""
        if predicate is not None:
            raise TypeError("textwrap.indent() takes no predicate in a workflow")
        if isinstance(text, str) and isinstance(prefix, str):
            lines = text.count("\n") + text.count("\r") + 1
            self.meter.allow_chars(len(text) + lines * len(prefix))
        return textwrap.indent(text, prefix)

    def _prod(self, iterable: Any, /, *, start: Any = 1) -> Any:
        """`math.prod`: each product as `*` computes it, under its guard."""
        total = start
        for item in self.meter.metered(iterable):
            total = self.mul(total, item)
        return total

    def _lcm(self, *integers: Any) -> Any:
        """`math.lcm`: pair by pair, each result checked before the next grows it."""
        lcm = self._numeric(math.lcm)
        total = lcm(*integers[:1])
        for value in integers[1:]:
            total = lcm(total, value)
        return total
