"""The JSON codec of interpreter state: workflow values plus what only a paused frame holds.

On top of `values`: object identity is kept (a list reachable from two names is one list after
a resume, cycles included: the n-th list/dict/set/deque/Counter/defaultdict met is container n, a repeat is `{"$t": "ref"}`;
models and dataclasses, whose fields a workflow may assign, are counted apart, `{"$t": "mref"}`),
loop iterators keep their position (a list iterator still sees appends to its list), ranges stay
ranges, dict views stay views of their dict, a dict's iterator keeps its dict and how far it read
(and so still sees a change of size), a `groupby` its groups, `count`/`cycle`/`repeat` what
they are (they need not end), and other iterators (generators)
are materialised into their items, but `enumerate` and `zip`, which are saved over their sources
(a generator they read is one the workflow may read too). An iterator reachable from two places (a generator in a variable that a loop
runs over) is one iterator after a resume too (`{"$t": "iref"}`). Materialising an iterator may
move another (`zip(it, it)` reads `it`), so a state that materialised one is encoded again, with
the items read the first time: every position is then the one after the reads
(`live._save`).
JSON objects must keep their key order in storage (use `json`/text columns, not `jsonb`).
"""

from __future__ import annotations

import gc
import itertools
import operator
from collections import Counter, OrderedDict, defaultdict, deque
from typing import Any

from waymark_runtime.interpreter.iterators import Count, Cycle, GroupBy, Repeat
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.values import (
    JSON,
    Decoder,
    Encoder,
    ModelValue,
    ValueNotSerializable,
    default_factory,
)

_SAMPLES: tuple[Any, ...] = ([], (), "", "\u00e9", b"", range(1), range(2**70))
_SEQUENCE_ITERATORS: frozenset[type] = frozenset(type(iter(x)) for x in _SAMPLES) | {
    type(reversed([]))
}
_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))
_VIEW_KINDS = dict(zip(_VIEWS, ("keys", "values", "items"), strict=True))
_DICT_KINDS: frozenset[type] = frozenset({Counter, defaultdict, OrderedDict})
_DEQUE_ITERATORS: frozenset[type] = frozenset({type(iter(deque())), type(reversed(deque()))})
_DICT_ITERATORS: dict[type, tuple[str, bool]] = {
    type(make(view)): (kind, make is reversed)
    for make in (iter, reversed)
    for view, kind in (({}.keys(), "keys"), ({}.values(), "values"), ({}.items(), "items"))
}
"""A dict iterator's type: what it reads of its dict, and whether backwards."""


class StateEncoder(Encoder):
    """Encodes a paused frame's values; materialising an iterator is charged on `meter`."""

    def __init__(self, meter: Meter, read: dict[int, list[Any]] | None = None) -> None:
        self.meter = meter
        self.seen: dict[int, int] = {}
        self.alive: list[Any] = []  # keeps ids stable while encoding
        self.models: dict[int, int] = {}
        self.iterators: dict[int, int] = {}
        self.read: dict[int, list[Any]] = {} if read is None else read
        """The items of the iterators materialised, by id (their objects are kept `alive`)."""
        self.consumed = bool(read)  # an iterator was read to its end: its frame is spent

    def encode(self, obj: Any) -> JSON:
        kind = type(obj)
        if kind is list or kind is dict or kind is set or kind in _DICT_KINDS or kind is deque:
            ordinal = self.seen.get(id(obj))
            if ordinal is not None:
                return {"$t": "ref", "v": ordinal}
            self.seen[id(obj)] = len(self.seen)  # containers are numbered apart from models
            self.alive.append(obj)
        elif kind is ModelValue:
            ordinal = self.models.get(id(obj))
            if ordinal is not None:
                return {"$t": "mref", "v": ordinal}
            self.models[id(obj)] = len(self.models)
            self.alive.append(obj)
        return super().encode(obj)

    def fallback(self, obj: Any) -> JSON:
        kind = type(obj)
        if kind is range:
            return {"$t": "range", "v": [self.encode(obj.start), self.encode(obj.stop),
                                         self.encode(obj.step)]}  # fmt: skip
        if kind is slice:
            return {
                "$t": "slice",
                "v": [self.encode(obj.start), self.encode(obj.stop), self.encode(obj.step)],
            }
        if kind in _VIEW_KINDS:  # a view of its dict, which it still shows as it changes
            (mapping,) = gc.get_referents(obj.mapping)  # the dict behind the read-only proxy
            return {"$t": "view", "kind": _VIEW_KINDS[kind], "of": self.encode(mapping)}
        if kind in _SEQUENCE_ITERATORS or kind is reversed or kind in _DEQUE_ITERATORS:
            return self._once(obj, self._iterator)
        if kind is enumerate or kind is zip:  # over their sources, which others may share
            return self._once(obj, self._combined)
        if kind in _DICT_ITERATORS:  # over its dict, which it checks for changes of size
            return self._once(obj, self._dict_iterator)
        if kind is GroupBy:  # its groups, which the workflow may hold too
            return self._once(obj, self._groupby)
        if kind is Count or kind is Cycle or kind is Repeat:  # as what they are: need not end
            return self._once(obj, self._endless)
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

    def _dict_iterator(self, obj: Any) -> JSON:
        """Its dict and how far it has read it: what it has left to give (its length hint)
        is all it has left while the dict keeps its size; a hint of 0 is the end or a dict
        that changed size, and `next` tells which (an iterator that raised keeps raising)."""
        view, backwards = _DICT_ITERATORS[type(obj)]
        mapping = next((r for r in gc.get_referents(obj) if isinstance(r, dict)), None)
        left = operator.length_hint(obj) if mapping is not None else 0
        if mapping is not None and not left:
            try:
                next(obj)
            except RuntimeError:  # the dict changed size while it was being read
                return {"$t": "dictiter", "of": None, "view": view, "back": backwards, "i": -1}
            except StopIteration:
                mapping = None
        if mapping is None:
            return {"$t": "iter", "seq": [], "i": 0}
        return {"$t": "dictiter", "of": self.encode(mapping), "view": view,
                "back": backwards, "i": len(mapping) - left}  # fmt: skip

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
        items = self.read.get(id(obj))
        if items is None:  # bounded: `enumerate(range(10**12))` is refused
            items = self.read[id(obj)] = self.meter.materialise(obj)
            self.consumed = True
        return {"$t": "iter", "seq": self.encode(items), "i": 0}

    def _iterator(self, obj: Any) -> JSON:
        maker, args, *position = obj.__reduce__()
        if type(obj) in _DEQUE_ITERATORS:  # (its type, (the deque, how many it has given))
            reverse = type(obj) is type(reversed(deque()))
            return {"$t": "reversed" if reverse else "iter", "seq": self.encode(args[0]),
                    "i": args[1]}  # fmt: skip
        tag = "reversed" if maker is reversed else "iter"
        return {"$t": tag, "seq": self.encode(args[0]), "i": position[0] if position else 0}


class StateDecoder(Decoder):
    def __init__(self) -> None:
        super().__init__()
        self.objects: list[Any] = []
        self.models: list[ModelValue] = []
        self.iterators: list[Any] = []

    def decode(self, value: JSON) -> Any:
        kind = type(value)
        if kind is list:
            items: list[Any] = []
            self.objects.append(items)
            items.extend([self.decode(x) for x in value])
            return items
        if kind is dict:
            tag = value.get("$t")
            if tag is None:
                return self._fill({}, value.items())
            if tag == "dict":
                return self._fill({}, value["items"])
            if tag == "counter":
                return self._fill(Counter(), value["items"])
            if tag == "odict":
                return self._fill(OrderedDict(), value["items"])
            if tag == "defaultdict":
                return self._fill(defaultdict(default_factory(value["factory"])), value["items"])
            if tag == "model" or tag == "dataclass":
                return self._model(value)
            if tag == "set":
                found: set[Any] = set()
                self.objects.append(found)
                found.update([self.decode(x) for x in value["items"]])
                return found
            if tag == "deque":
                queue: deque[Any] = deque(maxlen=value.get("maxlen"))
                self.objects.append(queue)
                queue.extend([self.decode(x) for x in value["items"]])
                return queue
        return super().decode(value)

    def _fill(self, out: dict[Any, Any], pairs: Any) -> dict[Any, Any]:
        self.objects.append(out)
        for key, item in pairs:
            out[self.decode(key)] = self.decode(item)
        return out

    def _model(self, value: JSON) -> ModelValue:
        lineage = (value["type"], *value.get("bases", ()))
        model = ModelValue(lineage[0], value["$t"], {}, lineage)
        self.models.append(model)  # before its fields: a field may refer back to it
        model.fields.update((key, self.decode(item)) for key, item in value["fields"].items())
        return model

    def decode_tag(self, tag: str, value: JSON) -> Any:
        iterator: Any
        if tag == "ref":
            return self.objects[value["v"]]
        if tag == "mref":
            return self.models[value["v"]]
        if tag == "range":
            return range(*(self.decode(v) for v in value["v"]))
        if tag == "slice":
            return slice(*(self.decode(v) for v in value["v"]))
        if tag == "view":
            kind = value.get("kind")
            if kind not in ("keys", "values", "items"):
                raise ValueNotSerializable(f"unknown dict view {kind!r}")
            return getattr(self.decode(value["of"]), kind)()
        if tag == "iref":
            return self.iterators[value["v"]]
        if tag == "enumerate":
            combined: Any = enumerate(self.decode(value["of"]), value["n"])
            self.iterators.append(combined)
            return combined
        if tag == "zip":
            sources = [self.decode(source) for source in value["of"]]
            combined = zip(*sources, strict=value["strict"])
            self.iterators.append(combined)
            return combined
        if tag == "dictiter":
            iterator = _dict_iterator(self.decode(value["of"]), value)
            self.iterators.append(iterator)
            return iterator
        if tag in ("count", "cycle", "repeat"):
            endless: Any
            if tag == "count":
                endless = Count(self.decode(value["v"]), self.decode(value["step"]))
            elif tag == "cycle":
                endless = Cycle(self.decode(value["seq"]), value["i"])
            else:
                endless = Repeat(self.decode(value["v"]), value["left"])
            self.iterators.append(endless)
            return endless
        if tag == "groupby":
            groups = [(self.decode(key), self.decode(group)) for key, group in value["groups"]]
            grouped = GroupBy(groups, value["n"])
            self.iterators.append(grouped)
            return grouped
        if tag in ("iter", "reversed"):
            iterator = (iter if tag == "iter" else reversed)(self.decode(value["seq"]))
            if value["i"] and hasattr(iterator, "__setstate__"):
                iterator.__setstate__(value["i"])
            elif value["i"]:  # a deque's iterator: advanced as far again
                next(itertools.islice(iterator, value["i"], value["i"]), None)
            self.iterators.append(iterator)
            return iterator
        raise ValueNotSerializable(f"unknown state tag {tag!r}")


def _dict_iterator(mapping: Any, saved: JSON) -> Any:
    """A dict iterator as it was saved: `i` items into `mapping`'s view, or (`i` of -1) one
    whose dict changed size while it was read, which raises Python's `RuntimeError` again."""
    view = saved["view"]
    if view not in ("keys", "values", "items") or not isinstance(saved["i"], int):
        raise ValueNotSerializable(f"unknown dict iterator {view!r}")
    if saved["i"] < 0:
        mapping = {None: None}
    iterator = (reversed if saved["back"] else iter)(getattr(mapping, view)())
    if saved["i"] < 0:
        mapping[()] = None  # it now raises "dictionary changed size during iteration"
    else:
        next(itertools.islice(iterator, saved["i"], saved["i"]), None)
    return iterator
