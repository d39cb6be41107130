"""The decoding half of the interpreter state codec (`state`): a saved state's JSON back to
values, identities, iterator positions and paused generators as `StateEncoder` wrote them, in
the order it wrote them."""

from __future__ import annotations

import itertools
from collections import ChainMap, Counter, OrderedDict, defaultdict, deque
from collections.abc import Mapping
from typing import Any

from waymark_runtime.interpreter.classes import EnumMembers
from waymark_runtime.interpreter.code import Code
from waymark_runtime.interpreter.csv_readers import (
    READER_TAGS,
    decode_reader,
)
from waymark_runtime.interpreter.csv_writers import (
    WRITING_TAGS,
    decode_writing,
)
from waymark_runtime.interpreter.generators import decode_generator
from waymark_runtime.interpreter.iterators import Count, Cycle, GroupBy, Repeat
from waymark_runtime.interpreter.lazy import GenForm, decode_lazy
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.interpreter.saved import SavedIterator
from waymark_runtime.interpreter.seeded_random import decode_random
from waymark_runtime.interpreter.state_tuples import Unmade, put_made
from waymark_runtime.values import (
    JSON,
    MODEL_KINDS,
    Decoder,
    EnumValue,
    ExceptionValue,
    ModelValue,
    ValueNotSerializable,
    default_factory,
)


class StateDecoder(Decoder):
    def __init__(
        self,
        functions: Mapping[str, Code] | None = None,
        genexps: tuple[GenForm, ...] = (),
        meter: Meter | None = None,
    ) -> None:
        super().__init__()
        self.functions = functions  # the program's, for the generators a state holds
        self.genexps, self.meter = genexps, meter  # for its generator expressions and islices
        self.objects: list[Any] = []
        self.models: list[ModelValue] = []
        self.errors: list[Any] = []
        self.iterators: list[Any] = []
        self.tuples: list[Any] = []

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
            if tag in MODEL_KINDS:  # numbered as the encoder numbers them (`mref`)
                return self._model(value)
            if tag == "exception":  # numbered as encoded: before what its attributes hold
                ordinal = len(self.errors)
                self.errors.append(None)
                self.errors[ordinal] = made = super().decode(value)
                return made
            if tag == "tuple":
                return self._tuple(value)
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
            if tag == "chainmap":  # numbered before its `maps` list, as it was encoded
                chain: ChainMap[Any, Any] = ChainMap()
                self.objects.append(chain)
                maps = self.decode(value["maps"])
                if type(maps) is not list or not maps:
                    raise ValueNotSerializable("a ChainMap's maps must be a non-empty list")
                chain.maps = maps
                return chain
        return super().decode(value)

    def _fill(self, out: dict[Any, Any], pairs: Any) -> dict[Any, Any]:
        self.objects.append(out)
        for key, item in pairs:
            out[self.decode(key)] = self.decode(item)
        return out

    def _tuple(self, value: JSON) -> tuple[Any, ...]:
        """A tuple, numbered before its items (as encoded); what refers back to it while they
        load is given it once made (`state_tuples`)."""
        ordinal, unmade = len(self.tuples), Unmade()
        self.tuples.append(unmade)
        objects, models = len(self.objects), len(self.models)
        made = tuple([self.decode(x) for x in value["items"]])
        self.tuples[ordinal] = made
        put_made(unmade, made, [*self.objects[objects:], *self.models[models:]])
        return made

    def _model(self, value: JSON) -> ModelValue:
        lineage = (value["type"], *value.get("bases", ()))
        model = ModelValue(lineage[0], value["$t"], {}, lineage)
        self.models.append(model)  # before its fields: a field may refer back to it
        model.fields.update((key, self.decode(item)) for key, item in value["fields"].items())
        return model

    def decode_tag(self, tag: str, value: JSON) -> Any:
        if tag == "ref":
            return self.objects[value["v"]]
        if tag == "mref":
            return self.models[value["v"]]
        if tag == "eref":
            return self.errors[value["v"]]
        if tag == "tref":
            found = self.tuples[value["v"]]
            if type(found) is Unmade:
                found.used = True
            return found
        if tag == "range":
            return range(*(self.decode(v) for v in value["v"]))
        if tag == "slice":
            return slice(*(self.decode(v) for v in value["v"]))
        if tag == "enum.members":
            members = EnumMembers(self.decode(member) for member in value["items"])
            if not all(type(member) is EnumValue for member in members):
                raise ValueNotSerializable("an enum class's members that are not members")
            return members
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
        if tag == "dictiter":
            return self._dict_iterator(value)
        if tag == "genexp" or tag == "islice":
            lazy = decode_lazy(value, self.decode, self.genexps, self.meter)
            self.iterators.append(lazy)
            return lazy
        if tag == "generator":
            generator = decode_generator(value, self.decode, self.functions)
            self.iterators.append(generator)
            return generator
        if tag == "random":
            rng = decode_random(value)
            self.iterators.append(rng)
            return rng
        if tag in WRITING_TAGS:
            writing = decode_writing(tag, value, self.decode)
            self.iterators.append(writing)
            return writing
        if tag in READER_TAGS:
            reader = decode_reader(tag, value, self.decode)
            self.iterators.append(reader)
            return reader
        if tag == "saved":
            return self._saved(value)
        if tag in ("iter", "reversed"):
            iterator: Any = (iter if tag == "iter" else reversed)(self.decode(value["seq"]))
            if value["i"] and hasattr(iterator, "__setstate__"):
                iterator.__setstate__(value["i"])
            elif value["i"]:  # a deque's iterator: advanced as far again
                next(itertools.islice(iterator, value["i"], value["i"]), None)
            self.iterators.append(iterator)
            return iterator
        raise ValueNotSerializable(f"unknown state tag {tag!r}")

    def _dict_iterator(self, value: JSON) -> Any:
        kind = value.get("kind")
        if kind not in ("keys", "values", "items"):
            raise ValueNotSerializable(f"unknown dict view {kind!r}")
        mapping, left = self.decode(value["of"]), value["left"]
        if not isinstance(mapping, dict) or type(left) is not int or not 0 <= left <= len(mapping):
            raise ValueNotSerializable("a dict iterator that is not over a dict it fits")
        view = getattr(mapping, kind)()
        iterator = reversed(view) if value["reversed"] else iter(view)
        done = len(mapping) - left
        next(itertools.islice(iterator, done, done), None)
        self.iterators.append(iterator)
        return iterator

    def _saved(self, value: JSON) -> SavedIterator:
        items = self.decode(value["seq"])
        error = None if value["error"] is None else self.decode(value["error"])
        watched = self.decode(value["of"]) if "of" in value else None
        if not (isinstance(items, list) and type(value["i"]) is int and
                isinstance(error, ExceptionValue | None) and isinstance(watched, set | None)):  # fmt: skip
            raise ValueNotSerializable("a saved iterator whose parts are not of their kinds")
        saved = SavedIterator(items, value["i"], error, value["sticky"], watched,
                              value.get("size", 0))  # fmt: skip
        self.iterators.append(saved)
        return saved
