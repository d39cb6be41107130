"""The whitelisted builtins under the interpreter's limits.

A builtin that visits every item of its input (`sum`, `sorted`, `any`, `list`...) is charged
for those items, an iterator item by item; one that could build a string beyond the limit
(`str`, `repr`, `json.dumps`) is refused before the work. Results are Python's own: each guard
ends by calling the real function. `Bounded` binds them, with the guarded methods
(`bounded_methods`), operators and numeric builtins (`numbers`), to one meter, and keeps the
journal whose log lines are charged on it.
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

from waymark_runtime.interpreter.bounded_methods import BoundedMethods
from waymark_runtime.interpreter.instance_self import InstanceSelf
from waymark_runtime.interpreter.journal import Journal
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION, Meter
from waymark_runtime.interpreter.memos import Memos
from waymark_runtime.interpreter.numbers import TEXT
from waymark_runtime.values import (
    DEFAULT_FACTORY_PATHS,
    EnumValue,
    TypeValue,
    plain_value,
    type_name,
)
from waymark_runtime.vocabulary import PURE_FUNCTIONS, STANDARD_FUNCTIONS, standard_function

_NUMBERS = (int, float, bool, complex, Decimal, Fraction)

_IMMUTABLE = (tuple,)


class Bounded(BoundedMethods):
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
