"""The results of an instance's cached functions (`@functools.cache`, `@lru_cache`), kept by
their arguments as CPython keys them.

Each instance has its own caches (CPython's is the process's: one instance never sees what
another computed) and stores them with its state, with the arguments of each result, so a
resumed instance finds what it left, in the same least-recently-used order. Which entry a call
finds is observable: CPython's keys (`functools._make_key`) take one `int` or `str` argument
as its own key and any other call as a tuple of its arguments, its keywords after a marker
and, `typed`, their types; so `f(True)` finds what `f(1.0)` left, not what `f(1)` left.
The running machine installs its caches in the step context's `Bounded` (`memos`), where the
compiled calls find them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from waymark_runtime import ir
from waymark_runtime.values import JSON, Decoder, Encoder, ValueNotSerializable

_KEYWORDS = object()  # parts a call's keywords from its positional arguments in a key
_OWN_KEYS = frozenset({int, str})


Entry = tuple[list[Any], dict[str, Any], Any]
"""A kept result with the arguments of the call that computed it."""


class Memos:
    """One instance's caches, by function name."""

    def __init__(self) -> None:
        self._caches: dict[str, OrderedDict[Any, Entry]] = {}

    def saved(self, encoder: Encoder) -> JSON:
        """The caches as a value of the instance's state (None when there are none), encoded
        with its frames' values: a kept result a variable holds is one object after a resume."""
        if not self._caches:
            return None
        entries = {
            name: [list(entry) for entry in cache.values()] for name, cache in self._caches.items()
        }
        return encoder.encode(entries)

    def load(self, decoder: Decoder, saved: JSON, helpers: Mapping[str, ir.Function]) -> None:
        """The caches `saved` holds, keyed again by each function's `typed`."""
        if saved is None:
            return
        for name, entries in decoder.decode(saved).items():
            memo = helpers[name].memo
            if memo is None:
                raise ValueNotSerializable(f"cached results of `{name}`, which has no cache")
            cache = self._caches[name] = OrderedDict()
            for args, kwargs, result in entries:
                cache[_key(args, kwargs, memo.typed)] = (args, kwargs, result)

    def call(
        self,
        name: str,
        memo: ir.Memo,
        args: list[Any],
        kwargs: dict[str, Any],
        run: Callable[[], Any],
    ) -> Any:
        """`name(*args, **kwargs)` through its cache: the kept result, or `run()`'s, kept."""
        maxsize = memo.maxsize
        if maxsize is not None and maxsize <= 0:  # `lru_cache(maxsize=0)` keeps nothing
            return run()
        key = _key(args, kwargs, memo.typed)
        cache = self._caches.setdefault(name, OrderedDict())
        if key in cache:  # an unhashable argument raises here, before the call, as in CPython
            cache.move_to_end(key)
            return cache[key][2]
        result = run()
        if maxsize is None:
            cache[key] = (list(args), kwargs, result)
        elif key not in cache:  # a recursive call may have kept it meanwhile: that one stays
            cache[key] = (list(args), kwargs, result)
            if len(cache) > maxsize:
                cache.popitem(last=False)
        return result


def _key(args: list[Any], kwargs: dict[str, Any], typed: bool) -> Any:
    if not kwargs and not typed and len(args) == 1 and type(args[0]) in _OWN_KEYS:
        return args[0]
    key: tuple[Any, ...] = tuple(args)
    if kwargs:
        key += (_KEYWORDS, *(part for item in kwargs.items() for part in item))
    if typed:
        key += tuple(type(value) for value in args)
        key += tuple(type(value) for value in kwargs.values())
    return key
