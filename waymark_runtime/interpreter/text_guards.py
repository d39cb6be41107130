"""The string-length guards of the interpreter's limits: a format spec, an f-string field,
a `%` format and `str()`/`repr()` of a value are refused before the work when the string they
would make is beyond the limit (`'%999999999d' % 1`, `f"{x:>999999999}"`).

`TextGuards` binds them to one meter; `Guards` (`guards`), the guarded operators, builds on it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from waymark_runtime.interpreter.format_bounds import (
    CONVERSION,
    FIXED_POINT,
    NUMBER,
    fixed_point_length,
    mapping_values,
)
from waymark_runtime.interpreter.limits import CALL_OPERATIONS, CHARS_PER_OPERATION, Meter
from waymark_runtime.interpreter.sizes import weigh

_WIDE_INT_BITS = 640  # below this, int arithmetic costs about one operation


class TextGuards:
    """The string-length guards of one meter."""

    def __init__(self, meter: Meter) -> None:
        self.meter = meter

    def check_spec(self, spec: str) -> None:
        """Refuse a format spec whose width or precision alone makes too long a string."""
        for number in NUMBER.findall(spec):
            self._check_width(number)

    def format_value(self, value: Any, spec: str) -> str:
        """`format(value, spec)` of an f-string or `str.format` field, refused before the work
        when its spec, or a Decimal written out in fixed point (`f`, `F`, `%`), makes too long
        a string: `f"{Decimal('1e999999999'):f}"` is a billion digits from a short value."""
        self.check_spec(spec)
        if spec[-1:] in FIXED_POINT and isinstance(value, Decimal):
            self.meter.allow_chars(fixed_point_length(value, spec))
        return format(value, spec)

    def _check_width(self, number: str) -> int:
        if len(number) > 18 or int(number) > self.meter.chars:
            raise self.meter.too_long(int(number[:19]))
        return int(number or 0)

    def percent_format(self, template: Any, args: Any) -> None:
        """Refuse `template % args` when its result could be too long: each conversion may
        produce the longest argument padded to the widest width."""
        text = template if isinstance(template, str) else template.decode("latin-1")
        conversions = [m for m in CONVERSION.finditer(text) if m.group(3) != "%"]
        if not conversions:
            return
        numbers = [n for m in conversions for n in m.groups()[:2] if n and n != "*"]
        widest = max(map(self._check_width, numbers), default=0)
        values = args if args.__class__ is tuple else (args,)
        if "*" in text:
            widest = max([widest, *(v for v in values if v.__class__ is int)])
            self._check_width(str(widest))
        longest = max((self.text_length(v) for v in mapping_values(values)), default=0)
        self.meter.allow_chars(len(text) + len(conversions) * (longest + widest))

    def text_length(self, value: Any, *, quoted: bool = False) -> int:
        """An upper bound on `len(str(value))` (`repr` when `quoted`), refusing one beyond the
        string limit before the string is built; the walk is charged like a visit of its items."""
        kind = value.__class__
        if (kind is str or kind is bytes) and not quoted:
            return len(value)
        if kind is int:
            bits = value.bit_length()
            if bits > _WIDE_INT_BITS:
                self.meter.charge((bits >> 6) * (bits >> 6) >> 3)  # int -> str is quadratic
            return int(bits * 0.302) + 2
        if kind is float or kind is bool or value is None:
            return 24
        items, chars = weigh(value, self.meter.left, self.meter.chars)
        self.meter.charge(CALL_OPERATIONS + items + chars // CHARS_PER_OPERATION)
        if chars > self.meter.chars:
            raise self.meter.too_long(chars)
        return chars
