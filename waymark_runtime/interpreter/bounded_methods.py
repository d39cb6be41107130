"""The whitelisted methods under the interpreter's limits.

A method is charged for the receiver it reads (its items, or its characters) and checked for
what it creates or grows; the few that can make a result far larger than their input
(`str.ljust(10**10)`, `sep.join(...)`, `replace`, `expandtabs`, `int.to_bytes`) are refused
before the work. Results are Python's own: each check ends by calling the real method.
`BoundedMethods` adds them to the guarded operators and numeric builtins (`numbers`); `Bounded`
(`bounded`) adds the builtins.
"""

from __future__ import annotations

import builtins
import math
from collections import deque
from collections.abc import Callable
from typing import Any

from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION, DICTS, Meter
from waymark_runtime.interpreter.numbers import TEXT, Numbers
from waymark_runtime.interpreter.sizes import weigh
from waymark_runtime.values import plain_value

_GROWING: tuple[type[Any], ...] = (list, set, deque, *DICTS)

# Methods whose work does not grow with the receiver (the rest are charged for reading it).
_CONSTANT: dict[type, frozenset[str]] = {
    list: frozenset(["append", "extend", "clear"]),
    dict: frozenset(
        [
            "get",
            "pop",
            "popitem",
            "setdefault",
            "keys",
            "values",
            "items",
            "update",
            "clear",
        ]
    ),
    set: frozenset(["add", "discard", "remove", "pop", "clear", "update", "isdisjoint"]),
    deque: frozenset(["append", "appendleft", "pop", "popleft", "extend", "extendleft", "clear"]),
    frozenset: frozenset({"isdisjoint"}),
    str: frozenset({"startswith", "endswith", "isascii"}),
    bytes: frozenset({"startswith", "endswith", "isascii"}),
}
_COMPARING = frozenset({"index", "count", "remove"})  # each item compared: nested items too
_CREATES = frozenset({"copy", "union", "intersection", "difference", "symmetric_difference"})
_CHECKED_KINDS = frozenset({str, bytes, bytearray, int, bool})  # `int.to_bytes(length)`


class BoundedMethods(Numbers):
    """The guarded methods of one meter: `call_method` charges and checks each call."""

    def __init__(self, meter: Meter) -> None:
        super().__init__(meter)
        self._checks: dict[str, Callable[[Any, list[Any], dict[str, Any]], list[Any]]] = {
            "center": self._padded,
            "ljust": self._padded,
            "rjust": self._padded,
            "zfill": self._padded,
            "expandtabs": self._expandtabs,
            "replace": self._replace,
            "join": self._join,
            "translate": self._translate,
            "to_bytes": self._to_bytes,
        }

    def charge_sort(self, items: list[Any]) -> None:
        """About log2(n) comparisons per item, each visiting the item's nested items."""
        if len(items) > 1:
            items_seen, chars = weigh(items, self.meter.left)
            rounds = math.ceil(math.log2(len(items)))
            self.meter.charge((items_seen + chars // CHARS_PER_OPERATION) * rounds)

    # -- methods ---------------------------------------------------------------------------------

    def call_method(self, obj: Any, name: str, method: Callable[..., Any], args: list[Any],
                    kwargs: dict[str, Any]) -> Any:  # fmt: skip
        """`obj.name(*args, **kwargs)` through `method`, charged and checked."""
        kind = obj.__class__
        check = self._checks.get(name)
        if check is not None and kind in _CHECKED_KINDS:
            args = check(obj, args, kwargs)
        self._charge_reading(kind, obj, name, args)
        result = method(*args, **kwargs)
        if kind in TEXT or kind is int or name in _CREATES:
            self.meter.settle(result)
        if kind in _GROWING and len(obj) > self.meter.items:
            raise self.meter.too_many_items(len(obj))
        return result

    def _charge_reading(self, kind: type, obj: Any, name: str, args: list[Any]) -> None:
        if kind in _CONSTANT and name not in _CONSTANT[kind] and (args or name != "pop"):
            if name in _COMPARING or name == "sort":
                self.charge_sort(obj) if name == "sort" else self.charge_visit(obj)
            else:
                self.meter.charge(len(obj) // CHARS_PER_OPERATION if kind in TEXT else len(obj))
        elif kind is tuple and name in _COMPARING:
            self.charge_visit(obj)
        elif kind is range and name in _COMPARING and args and args[0].__class__ is not int:
            self.meter.charge(len(obj))
        for index, arg in enumerate(args):
            if arg.__class__ is tuple:
                self.charge_visit(arg)  # hashed or compared: its nested items are visited
            elif arg.__class__ in _GROWING:
                self.meter.charge(len(arg))
            elif hasattr(arg, "__next__"):
                args[index] = self.meter.metered(arg)

    # -- the methods that can make a result much larger than their input ----------------------

    def _padded(self, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        """`center`, `ljust`, `rjust`, `zfill`: the width is the length of the result."""
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int):
            self.meter.allow_chars(width)
        return args

    def _to_bytes(self, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        """`int.to_bytes(length, ...)`: the length is the size of the result."""
        length = args[0] if args else kwargs.get("length", 1)
        if isinstance(length, int):
            self.meter.allow_chars(length)
        return args

    def _expandtabs(self, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int):
            tab = "\t" if isinstance(obj, str) else b"\t"
            self.meter.allow_chars(len(obj) + obj.count(tab) * max(size, 0))
        return args

    def _replace(self, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        if len(args) >= 2 and isinstance(args[0], TEXT) and isinstance(args[1], TEXT):
            old, new = args[0], args[1]
            if len(new) > len(old):
                found = obj.count(old) if old else len(obj) + 1
                count = args[2] if len(args) > 2 else kwargs.get("count", -1)
                if isinstance(count, int) and count >= 0:
                    found = min(found, count)
                self.meter.allow_chars(len(obj) + found * (len(new) - len(old)))
        return args

    def _translate(self, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        """`str.translate(table)`: each character becomes at most the longest text the table
        maps to."""
        if isinstance(obj, str) and args and isinstance(args[0], dict):
            texts = (len(v) for v in args[0].values() if isinstance(v, str))
            self.meter.allow_chars(len(obj) * max(1, max(texts, default=1)))
        return args

    def _join(self, obj: Any, args: list[Any], kwargs: dict[str, Any]) -> list[Any]:
        if len(args) != 1:
            return args
        items = [plain_value(item) for item in self.meter.materialise(args[0])]
        try:
            total = builtins.sum(map(len, items)) + len(obj) * max(len(items) - 1, 0)
        except TypeError:
            return [items]  # not all strings: `join` raises Python's own error
        self.meter.allow_chars(total)
        return [items]
