"""The whitelisted builtins and methods under the interpreter's limits.

A builtin that visits every item of its input (`sum`, `sorted`, `any`, `list`...) is charged
for those items, an iterator item by item; a method is charged for the receiver it reads and
checked for what it creates or grows; the few that can make a result far larger than their
input (`str.ljust(10**10)`, `sep.join(...)`, `replace`, `expandtabs`) are refused before the
work. Results are Python's own: each guard ends by calling the real function. `Bounded` binds
them, with the guarded operators and the numeric builtins (`numbers`), to one meter, and keeps
the journal whose log lines are charged on it.
"""

from __future__ import annotations

import builtins
import json
import math
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from waymark_runtime.interpreter.instance_self import InstanceSelf
from waymark_runtime.interpreter.journal import Journal
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION, DICTS, Meter
from waymark_runtime.interpreter.memos import Memos
from waymark_runtime.interpreter.numbers import TEXT, Numbers
from waymark_runtime.interpreter.sizes import weigh
from waymark_runtime.values import (
    DEFAULT_FACTORY_PATHS,
    EnumValue,
    TypeValue,
    plain_value,
    type_name,
)
from waymark_runtime.vocabulary import PURE_FUNCTIONS, STANDARD_FUNCTIONS, standard_function

_GROWING: tuple[type[Any], ...] = (list, set, deque, *DICTS)
_NUMBERS = (int, float, bool, complex, Decimal, Fraction)

_IMMUTABLE = (tuple,)
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


class Bounded(Numbers):
    """The guarded operators, builtins and methods of one meter, and its `journal`."""

    def __init__(self, meter: Meter) -> None:
        super().__init__(meter)
        self.journal = Journal(self)  # the log lines of the call running now
        self.memos = Memos()  # the running instance's cached results (its machine's)
        self.instance = InstanceSelf()  # the running instance's workflow object (its machine's)
        self.builtins: dict[str, Callable[..., Any]] = {
            "min": self._visiting(builtins.min),
            "max": self._visiting(builtins.max),
            "any": self._visiting(builtins.any),
            "all": self._visiting(builtins.all),
            "sum": self._sum,
            "sorted": self._sorted,
            "list": self._building(list),
            "tuple": self._building(tuple),
            "set": self._building(set, hashed=True),
            "frozenset": self._building(frozenset, hashed=True),
            "dict": self._mapping(dict),
            "zip": self._zip,
            "str": self._texts(builtins.str),
            "repr": self._texts(builtins.repr, quoted=True),
            "ascii": self._texts(builtins.ascii, quoted=True),
            "int": self._int,
            "hex": self._radix(builtins.hex, 4),
            "oct": self._radix(builtins.oct, 3),
            "bin": self._radix(builtins.bin, 1),
            "divmod": self._divmod,
            "pow": self._pow,
            **{
                name: self._numeric(getattr(math, name.removeprefix("math.")))
                for name in PURE_FUNCTIONS
            },
            **{name: self._numeric(standard_function(name)) for name in STANDARD_FUNCTIONS},
            "fractions.Fraction": self._fraction,
            "round": self._round,
            "json.dumps": self._json_dumps,
            "json.loads": self._json_loads,
            "math.prod": self._prod,
            "statistics.quantiles": self._quantiles,
            "textwrap.indent": self._indent,
            "math.lcm": self._lcm,
            "math.factorial": self._combinatorial(math.factorial),
            "math.comb": self._combinatorial(math.comb),
            "math.perm": self._combinatorial(math.perm),
            "collections.Counter": self._counter,
            "collections.OrderedDict": self._mapping(OrderedDict),
            "collections.defaultdict": self._defaultdict,
            "collections.deque": self._deque,
        }
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

    def _visiting(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`min`, `max`, `any`, `all`: one iterable is charged item by item, several arguments for
        the nested items a comparison may visit."""

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if len(args) == 1:
                return function(self.meter.metered(args[0]), **kwargs)
            for arg in args:
                self.charge_visit(arg)
            return function(*args, **kwargs)

        return guarded

    def _sum(self, *args: Any, **kwargs: Any) -> Any:
        if not 1 <= len(args) + len(kwargs) <= 2 or set(kwargs) - {"start"}:
            return builtins.sum(*args, **kwargs)  # Python's own TypeError
        iterable, start = args[0], (args[1:] or [kwargs.get("start", 0)])[0]
        if isinstance(start, _NUMBERS):
            return self.meter.settle(builtins.sum(self.meter.metered(iterable), start))
        if isinstance(start, TEXT):
            return builtins.sum(iterable, start)  # Python's own TypeError
        total = start
        for item in self.meter.metered(iterable):
            total = self.add(total, item)  # lists and tuples: each sum is a new copy
        return total

    def _sorted(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) != 1:
            return builtins.sorted(*args, **kwargs)  # Python's own TypeError
        items = self.meter.materialise(args[0])
        self.charge_sort(items)
        items.sort(**kwargs)
        return items

    def charge_sort(self, items: list[Any]) -> None:
        """About log2(n) comparisons per item, each visiting the item's nested items."""
        if len(items) > 1:
            items_seen, chars = weigh(items, self.meter.left)
            rounds = math.ceil(math.log2(len(items)))
            self.meter.charge((items_seen + chars // CHARS_PER_OPERATION) * rounds)

    def _building(self, kind: type, *, hashed: bool = False) -> Callable[..., Any]:
        """`list(x)`, `tuple(x)`, `set(x)`: refused beyond the collection limit
        before the copy; a set also hashes (visits) each item."""

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if len(args) != 1 or kwargs or (args[0].__class__ is kind and kind in _IMMUTABLE):
                return kind(*args, **kwargs)  # empty, an error, or `tuple(t) is t`
            items = self.meter.materialise(args[0])
            if hashed:
                self.charge_visit(items)
            return items if kind is list else kind(items)

        return guarded

    def _mapping(self, kind: type[dict[Any, Any]]) -> Callable[..., Any]:
        """`dict(...)`, `OrderedDict(...)`: an iterable of pairs read item by item."""

        def build(*args: Any, **kwargs: Any) -> Any:
            if len(args) == 1 and not hasattr(args[0], "keys"):
                args = (self.meter.materialise(args[0]),)
            for arg in args:
                self.charge_visit(arg)
            self.meter.charge(len(kwargs))
            return self.meter.settle(kind(*args, **kwargs))

        return build

    def _counter(self, *args: Any, **kwargs: Any) -> Any:
        """`Counter(iterable)`: refused beyond the collection limit before it is built, each
        element hashed; `Counter(mapping)` as `dict(mapping)`."""
        if len(args) == 1 and args[0] is not None and not hasattr(args[0], "keys"):
            args = (self.meter.materialise(args[0]),)
        for arg in args:
            self.charge_visit(arg)
        self.meter.charge(len(kwargs))
        return self.meter.settle(Counter(*args, **kwargs))

    def _deque(self, *args: Any, **kwargs: Any) -> Any:
        """`deque(iterable, maxlen)`: refused beyond the collection limit before it is built;
        with a `maxlen`, which bounds it, the iterable is charged item by item instead."""
        if args:
            bounded = (args[1] if len(args) > 1 else kwargs.get("maxlen")) is not None
            source = self.meter.metered(args[0]) if bounded else self.meter.materialise(args[0])
            args = (source, *args[1:])
        return self.meter.settle(deque(*args, **kwargs))

    def _defaultdict(self, *args: Any, **kwargs: Any) -> Any:
        """`defaultdict(list)`: the factory is a builtin type or a standard value class
        (`type builtins:list`, `type decimal:Decimal` in the program), the rest as `dict(...)`."""
        factory = args[0] if args else None
        if isinstance(factory, TypeValue):
            factory = DEFAULT_FACTORY_PATHS.get(factory.path)
            if factory is None:
                raise TypeError("first argument must be callable or None")
        items = self.builtins["dict"](*args[1:], **kwargs) if len(args) > 1 or kwargs else {}
        return self.meter.settle(defaultdict(factory, items))

    def _zip(self, *iterables: Any, **kwargs: Any) -> Any:
        self.meter.charge(len(iterables))
        return builtins.zip(*iterables, **kwargs)  # noqa: B905 (Python's own arguments)

    def _texts(self, function: Callable[..., Any], *, quoted: bool = False) -> Callable[..., Any]:
        """`str`, `repr`: refused before building a string beyond the limit."""

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if len(args) == 1 and not kwargs:
                value = args[0]
                if value.__class__ is str and not quoted:
                    return value  # `str(s)` is `s`
                self.meter.allow_chars(self.text_length(value, quoted=quoted))
            return self.meter.settle(function(*args, **kwargs))

        return guarded

    def _json_dumps(self, value: Any, **options: Any) -> str:
        """`json.dumps`, with Python's options but `default=`/`cls=` (functions); an `indent`
        (at most 8) is charged per line of the deepest nesting; a `StrEnum`/`IntEnum` member
        writes its value, and a model or other value not JSON raises Python's `TypeError`."""
        unknown = set(options) - _JSON_OPTIONS
        if unknown:
            raise TypeError(f"json.dumps() option {sorted(unknown)[0]!r} is not available here")
        given = options.pop("default", None)
        default = _json_default if given is None else self._json_default_type(given)
        indent = options.get("indent")
        if indent is not None and not (isinstance(indent, int) and 0 <= indent <= 8):
            raise ValueError("json.dumps() indent must be an int from 0 to 8 in a workflow")
        length = self.text_length(value, quoted=True)
        self.meter.allow_chars(length * (1 + (indent or 0) * 4))
        try:
            text = json.dumps(value, default=default, **options)
        except TypeError as error:
            if not str(error).startswith("keys must be"):
                raise
            text = json.dumps(_json_keys(value), default=default, **options)
        return str(self.meter.settle(text))

    def _json_default_type(self, given: Any) -> Callable[[Any], Any]:
        """`default=str`: the builtin type, called (under the meter, as a workflow calls it) on
        each value JSON cannot write; a data-type enum member still writes its value."""
        name = given.path.removeprefix("builtins:") if isinstance(given, TypeValue) else None
        if name is None or name == given.path or not hasattr(builtins, name):
            raise TypeError("json.dumps() default= must be a builtin type in a workflow")
        convert = self.builtins.get(name) or getattr(builtins, name)

        def default(value: Any) -> Any:
            plain = plain_value(value)
            return plain if plain is not value else convert(value)

        return default

    def _json_loads(self, text: Any) -> Any:
        """`json.loads` of a string (its size bounds what it builds)."""
        if isinstance(text, str | bytes):
            self.meter.charge(len(text) // CHARS_PER_OPERATION)
        return self.meter.settle(json.loads(text))

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


_JSON_OPTIONS = frozenset(
    {"indent", "sort_keys", "separators", "ensure_ascii", "allow_nan", "skipkeys", "default"}
)


def _json_keys(value: Any) -> Any:
    """`value` with each data-type enum member used as a dict key replaced by its value (a
    `StrEnum` key is a `str` in Python); any other key that is not JSON is Python's error."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.__class__ is EnumValue:
                if (plain := plain_value(key)) is key:
                    raise TypeError(
                        f"keys must be str, int, float, bool or None, not {type_name(key)}"
                    )
                key = plain
            out[key] = _json_keys(item)
        return out
    if isinstance(value, list | tuple):
        return [_json_keys(item) for item in value]
    return value


def _json_default(value: Any) -> Any:
    """What `json.dumps` writes of a workflow value that is not plain JSON: a data-type enum
    member's value; anything else is Python's `TypeError`, naming the value's class."""
    if (plain := plain_value(value)) is not value:
        return plain
    raise TypeError(f"Object of type {type_name(value)} is not JSON serializable")
