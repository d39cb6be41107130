"""The JSON codec of interpreter state: workflow values plus what only a paused frame holds.

On top of `values`: object identity is kept (a list reachable from two names is one list after
a resume, cycles included: the n-th list/dict/set/deque/Counter/defaultdict/ChainMap met is
container n, a repeat is `{"$t": "ref"}`;
models and dataclasses, whose fields a workflow may assign, are counted apart, `{"$t": "mref"}`,
and tuples too, `{"$t": "tref"}`, a cycle through the objects they hold included: `state_tuples`),
loop iterators keep their position (a list iterator still sees appends to its list), ranges stay
ranges, dict views stay views of their dict, and so do their iterators (a loop over `d.items()`
reads each value as it is when it gets there, and fails as CPython's does when `d` changed size;
an `OrderedDict`'s too),
a `groupby` keeps its groups, `count`/`cycle`/`repeat` are saved as what they are (they need not
end), a generator helper's call as its paused frame, `enumerate`, `zip`, `islice` and one-`for`
generator expressions (what `map` and `filter` run as) over their sources (a generator they
read is one the workflow may read too), and other iterators are materialised into their items. Reading an iterator out may raise (a generator's division by zero, a set that changed
size): the items before it are kept, and the exception is raised where the workflow would
have read past them (`SavedIterator`). An iterator reachable from two places (a generator in a variable that a loop
runs over) is one iterator after a resume too (`{"$t": "iref"}`). Materialising an iterator may
move another (`zip(it, it)` reads `it`), so a state that materialised one is encoded again, with
the items read the first time: every position is then the one after the reads
(`live._save`).
JSON objects must keep their key order in storage (use `json`/text columns, not `jsonb`).
"""

from __future__ import annotations

import gc
import random
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable, ItemsView, Iterator, KeysView, ValuesView
from typing import Any

from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter.classes import EnumMembers
from waymark_runtime.interpreter.code import Generator
from waymark_runtime.interpreter.csv_readers import (
    READER_TYPES,
    encode_reader,
)
from waymark_runtime.interpreter.csv_writers import (
    WRITING_TYPES,
    encode_writing,
)
from waymark_runtime.interpreter.generators import encode_generator
from waymark_runtime.interpreter.iterators import Count, Cycle, GroupBy, Repeat
from waymark_runtime.interpreter.lazy import GenExp, Slice, encode_lazy
from waymark_runtime.interpreter.limits import LimitExceeded, Meter
from waymark_runtime.interpreter.saved import SavedIterator
from waymark_runtime.interpreter.seeded_random import encode_random
from waymark_runtime.interpreter.state_reads import (
    DICT_ITERATORS,
    ODICT_ITERATOR,
    Read,
    endless,
    held_endless,
    odict_place,
    source_of,
)
from waymark_runtime.interpreter.state_tuples import PATCHABLE
from waymark_runtime.values import (
    JSON,
    MODEL_VALUES,
    Encoder,
    ExceptionValue,
    exception_value,
)

_SAMPLES: tuple[Any, ...] = ([], (), "", "\u00e9", b"", range(1), range(2**70))
_SEQUENCE_ITERATORS: frozenset[type] = frozenset(type(iter(x)) for x in _SAMPLES) | {
    type(reversed([]))
}
_KINDS = ("keys", "values", "items")
_MAPPINGS: tuple[dict[Any, Any], ...] = ({}, OrderedDict())
_VIEW_KINDS = {type(getattr(d, kind)()): kind for d in _MAPPINGS for kind in _KINDS}
_DICT_KINDS: frozenset[type] = frozenset({Counter, defaultdict, OrderedDict})
_MAPPING_VIEWS: dict[type, str] = {KeysView: "keys", ValuesView: "values", ItemsView: "items"}
# Containers kept as one object under several names: a `ChainMap` too (its `maps` is a list).
_CONTAINER_KINDS: frozenset[type] = _DICT_KINDS | {deque, ChainMap}
IDENTITY_KEPT: frozenset[type] = (
    _CONTAINER_KINDS | {list, dict, set} | MODEL_VALUES | {ExceptionValue, random.Random}
)
"""The classes whose values are one object after a resume wherever they were one before (the
containers, the models, dataclasses and plain instances, the exceptions `StateEncoder`
numbers, and seeded random generators)."""
_DEQUE_ITERATORS: frozenset[type] = frozenset({type(iter(deque())), type(reversed(deque()))})


# A dict's iterators by (view, reversed): `iter(d)` is its keys', `reversed(d.items())`...
class StateEncoder(Encoder):
    """Encodes a paused frame's values; materialising an iterator is charged on `meter`."""

    def __init__(self, meter: Meter, read: dict[int, Read] | None = None) -> None:
        self.meter = meter
        self.seen: dict[int, int] = {}
        self.alive: list[Any] = []  # keeps ids stable while encoding
        self.models: dict[int, int] = {}
        self.errors: dict[int, int] = {}
        self.iterators: dict[int, int] = {}
        self.tuples: dict[int, int] = {}  # numbered in the decoder's order (`state_tuples`)
        self.tuple_count = 0
        self.saving: set[int] = set()  # the tuples being encoded
        self.within: list[type] = [object]  # the kinds being encoded, innermost last
        self.read: dict[int, Read] = {} if read is None else read
        """The iterators materialised, by id (their objects are kept `alive`)."""
        self.consumed = bool(read)  # an iterator was read to its end: its frame is spent

    def encode(self, obj: Any) -> JSON:
        kind = type(obj)
        if kind is list or kind is dict or kind is set or kind in _CONTAINER_KINDS:
            ordinal = self.seen.get(id(obj))
            if ordinal is not None:
                return {"$t": "ref", "v": ordinal}
            self.seen[id(obj)] = len(self.seen)  # containers are numbered apart from models
            self.alive.append(obj)
        elif kind in MODEL_VALUES:
            ordinal = self.models.get(id(obj))
            if ordinal is not None:
                return {"$t": "mref", "v": ordinal}
            self.models[id(obj)] = len(self.models)
            self.alive.append(obj)
        elif kind is ExceptionValue:  # one object under every name: `caught is err`
            return self._error(obj) or self._within(obj)
        elif kind is tuple:
            return self._tuple(obj)
        elif kind is str or kind is int or kind is float or kind is bool or obj is None:
            return super().encode(obj)
        return self._within(obj)

    def attempt(self, encode: Callable[[], JSON]) -> JSON:
        """`encode()`, or its error with what it numbered unnumbered again: the decoder never
        sees a value left out, so what is encoded after it keeps the decoder's numbers."""
        tables = (self.seen, self.models, self.errors, self.iterators, self.tuples)
        counts = [len(self.seen), len(self.models), len(self.errors), len(self.iterators),
                  self.tuple_count]  # fmt: skip
        try:
            return encode()
        except BaseException:
            for table, count in zip(tables, counts, strict=True):
                while table and next(reversed(table.values())) >= count:
                    table.popitem()
            self.tuple_count = counts[-1]
            raise

    def _within(self, obj: Any) -> JSON:
        self.within.append(type(obj))
        try:
            return super().encode(obj)
        finally:
            self.within.pop()

    def _tuple(self, obj: tuple[Any, ...]) -> JSON:
        """A tuple, or a reference to it where the decoder can give it (`state_tuples`)."""
        ordinal = self.tuples.get(id(obj))
        if ordinal is not None and (id(obj) not in self.saving or self.within[-1] in PATCHABLE):
            return {"$t": "tref", "v": ordinal}
        self.tuple_count += 1
        if ordinal is not None:  # being saved, met where no reference can be put: again whole
            return self._within(obj)
        self.tuples[id(obj)] = self.tuple_count - 1
        self.alive.append(obj)
        self.saving.add(id(obj))
        try:
            return self._within(obj)
        finally:
            self.saving.discard(id(obj))

    def chain_link(self, link: ExceptionValue, links: list[int]) -> JSON:
        """A link numbered as any exception is, so `second.__context__ is first` holds after
        a resume as it did before."""
        return self._error(link) or super().chain_link(link, links)

    def _error(self, obj: ExceptionValue) -> JSON | None:
        """A reference to where `obj` was encoded before, or None, `obj` numbered."""
        ordinal = self.errors.get(id(obj))
        if ordinal is not None:
            return {"$t": "eref", "v": ordinal}
        self.errors[id(obj)] = len(self.errors)
        self.alive.append(obj)
        return None

    def fallback(self, obj: Any) -> JSON:
        kind = type(obj)
        if kind is range:
            return {"$t": "range", "v": [self.encode(obj.start), self.encode(obj.stop),
                                         self.encode(obj.step)]}  # fmt: skip
        if kind is EnumMembers:  # an enum class named in the code: its members, not a tuple
            return {"$t": "enum.members", "items": [self.encode(m) for m in obj]}
        if kind is slice:
            return {
                "$t": "slice",
                "v": [self.encode(obj.start), self.encode(obj.stop), self.encode(obj.step)],
            }
        if kind in _VIEW_KINDS:  # a view of its dict, which it still shows as it changes
            (mapping,) = gc.get_referents(obj.mapping)  # the dict behind the read-only proxy
            return {"$t": "view", "kind": _VIEW_KINDS[kind], "of": self.encode(mapping)}
        if kind in _MAPPING_VIEWS:  # a `ChainMap`'s `items()`: a view of the chain itself
            return {"$t": "view", "kind": _MAPPING_VIEWS[kind], "of": self.encode(obj._mapping)}
        if kind in _SEQUENCE_ITERATORS or kind is reversed or kind in _DEQUE_ITERATORS:
            return self._once(obj, self._iterator)
        if kind in DICT_ITERATORS or kind is ODICT_ITERATOR:
            return self._once(obj, self._dict_iterator)
        if kind is SavedIterator:
            return self._once(obj, self._saved)
        if kind is GroupBy:  # its groups, which the workflow may hold too
            return self._once(obj, self._groupby)
        if kind is Count or kind is Cycle or kind is Repeat:  # as what they are: need not end
            return self._once(obj, self._endless)
        if kind is Generator:  # its paused frame, whose values the workflow may share
            return self._once(obj, lambda gen: encode_generator(gen, self.encode))
        if kind is random.Random:  # a seeded generator: its state
            return self._once(obj, encode_random)
        if kind in WRITING_TYPES:  # a text buffer (its text and place), a writer over one
            return self._once(obj, lambda writing: encode_writing(writing, self.encode))
        if kind in READER_TYPES:  # over their lines, with their format and place
            return self._once(obj, lambda reader: encode_reader(reader, self.encode))
        if kind is enumerate or kind is zip:  # over their sources, which others may share
            return self._once(obj, self._combined)
        if kind is GenExp or kind is Slice:  # over their sources too, which need not end
            return self._once(obj, lambda lazy: encode_lazy(lazy, self.encode) or
                              self._materialised(lazy))  # fmt: skip
        if hasattr(obj, "__next__"):
            return self._once(obj, self._materialised)
        return super().fallback(obj)

    def _once(self, obj: Any, encode: Any) -> JSON:
        """An iterator, or a reference to where it was encoded before (numbered once encoded,
        as the decoder numbers them once built)."""
        ordinal = self.iterators.get(id(obj))
        if ordinal is not None:
            return {"$t": "iref", "v": ordinal}
        encoded = encode(obj)
        self.iterators[id(obj)] = len(self.iterators)
        self.alive.append(obj)
        return encoded

    def _combined(self, obj: Any) -> JSON:
        _, args, *strict = obj.__reduce__()
        if type(obj) is enumerate:
            source, count = args
            return {"$t": "enumerate", "of": self.encode(source), "n": count}
        return {"$t": "zip", "of": [self.encode(source) for source in args],
                "strict": bool(strict and strict[0])}  # fmt: skip

    def _endless(self, obj: Count | Cycle | Repeat) -> JSON:
        if isinstance(obj, Count):
            return {"$t": "count", "v": self.encode(obj.value), "step": self.encode(obj.step)}
        if isinstance(obj, Cycle):
            return {"$t": "cycle", "seq": self.encode(obj.items), "i": obj.position}
        return {"$t": "repeat", "v": self.encode(obj.value), "left": obj.left}

    def _groupby(self, obj: GroupBy) -> JSON:
        groups = [[self.encode(key), self.encode(group)] for key, group in obj.groups]
        return {"$t": "groupby", "groups": groups, "n": obj.taken}

    def _materialised(self, obj: Any) -> JSON:
        items, error, source = self._read(obj)
        if error is None and source is None:  # not a set's (or one that has ended)
            return {"$t": "iter", "seq": self.encode(items), "i": 0}
        if error is None:  # a set's: it fails once its set changes size
            return {"$t": "saved", "seq": self.encode(items), "i": 0, "error": None,
                    "sticky": True, "of": self.encode(source), "size": len(source)}  # fmt: skip
        # A set's or dict's iterator fails again and again once its container changed size;
        # a generator that raised has ended, and so has a dict's whose keys changed.
        sticky = source is not None and str(error).endswith("changed size during iteration")
        return {"$t": "saved", "seq": self.encode(items), "i": 0,
                "error": self.encode(exception_value(error)), "sticky": sticky}  # fmt: skip

    def _read(self, obj: Any) -> Read:
        """`obj` read out: its items, what reading past them raised, and the dict or set it
        reads, if it is such an iterator (once per save: the second encoding of a state
        reuses the first's reads)."""
        read = self.read.get(id(obj))
        if read is None:
            source = source_of(obj)  # first: an iterator that ends lets go of its container
            failed: list[BaseException] = []

            def until_failure() -> Iterator[Any]:
                try:
                    yield from obj
                except WaymarkError:
                    raise
                except Exception as error:  # the workflow's own: raised where it reads on
                    failed.append(error)

            try:  # bounded: `enumerate(range(10**12))`
                items = self.meter.materialise(until_failure())
            except LimitExceeded as error:
                if endless(obj):
                    raise held_endless(obj, error) from None
                raise
            read = self.read[id(obj)] = (items, failed[0] if failed else None, source)
            self.consumed = True
        return read

    def _dict_iterator(self, obj: Any) -> JSON:
        """Where the iterator is in its dict: as many items from the end as it has left (the
        dict is saved and loaded in its order, so the rest are the same items)."""
        items, error, mapping = self._read(obj)
        place = DICT_ITERATORS.get(type(obj)) or odict_place(mapping, items)
        if error is not None or mapping is None or place is None:  # changed under it, or ended
            return self._materialised(obj)
        kind, reverse = place
        return {"$t": "dictiter", "kind": kind, "reversed": reverse,
                "of": self.encode(mapping), "left": len(items)}  # fmt: skip

    def _saved(self, obj: SavedIterator) -> JSON:
        error = None if obj.error is None else self.encode(obj.error)
        encoded = {"$t": "saved", "seq": self.encode(obj.items), "i": obj.index, "error": error,
                   "sticky": obj.sticky}  # fmt: skip
        if obj.watched is not None:
            encoded.update({"of": self.encode(obj.watched), "size": obj.size})
        return encoded

    def _iterator(self, obj: Any) -> JSON:
        maker, args, *position = obj.__reduce__()
        if type(obj) in _DEQUE_ITERATORS:  # (its type, (the deque, how many it has given))
            reverse = type(obj) is type(reversed(deque()))
            return {"$t": "reversed" if reverse else "iter", "seq": self.encode(args[0]),
                    "i": args[1]}  # fmt: skip
        tag = "reversed" if maker is reversed else "iter"
        return {"$t": tag, "seq": self.encode(args[0]), "i": position[0] if position else 0}
