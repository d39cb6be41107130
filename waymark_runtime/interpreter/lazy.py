"""A one-clause generator expression as an iterator the state codec can save: what `map(f, xs)`,
`filter(f, xs)` and `(f(x) for x in xs if c)` run as.

It is saved over its source iterator and its scope (its own loop variables, the enclosing
locals it reads as they are when it reads them), by the ordinal of its compiled form in the
program (`Program.genexps`), so one held across an await goes on where it was, even when its
source never ends (`map(double, naturals())`). Each item read is charged on the meter, as any
comprehension's.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from waymark_runtime.interpreter.code import Assign, Env, Eval
from waymark_runtime.interpreter.limits import Meter
from waymark_runtime.values import ValueNotSerializable

# The key of a comprehension's scope that holds the scope it was made in (not an identifier, so
# no variable of the user's can take it).
ENCLOSING = "<enclosing>"


class Scope(dict[str, Any]):
    """A comprehension's own variables, over the enclosing scope, which it reads as it is when
    a name is read (a generator expression consumed after `k = 10` sees the new `k`, as the
    closure Python makes for it does)."""

    __slots__ = ("outer",)

    def __init__(self, outer: Env) -> None:
        super().__init__()
        self.outer = outer

    def __missing__(self, key: str) -> Any:
        return self.outer[key]

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.outer


@dataclass(frozen=True, slots=True)
class GenForm:
    """The compiled parts of one generator expression of the program; `ordinal`: its place
    among the program's, which names it in a saved state."""

    ordinal: int
    assign: Assign
    ifs: tuple[Eval, ...]
    elt: Eval
    cost: int
    meter: Meter
    free: Callable[[UnboundLocalError, Env], Exception]
    """The error an unbound enclosing variable read in it is (Python's `NameError`)."""


class GenExp:
    """A one-clause generator expression being read: ends for good once it has ended or
    raised, as CPython's generator does (a `StopIteration` from its element is CPython's
    `RuntimeError`). One that `goes_on` is what `map` or `filter` runs as: an error of its
    function propagates and the next read goes on with the next item, as CPython's do."""

    __slots__ = ("done", "form", "goes_on", "scope", "source")

    def __init__(self, form: GenForm, scope: Scope, source: Iterator[Any]) -> None:
        self.form = form
        self.scope = scope
        self.source = source
        self.done = False
        self.goes_on = False

    def __iter__(self) -> GenExp:
        return self

    def __next__(self) -> Any:
        if self.done:
            raise StopIteration
        form, scope, meter = self.form, self.scope, self.form.meter
        try:
            for item in self.source:
                meter.left -= form.cost
                if meter.left < 0:
                    raise meter.spent()
                form.assign(scope, item)
                if all(cond(scope) for cond in form.ifs):
                    return form.elt(scope)
        except StopIteration:
            if self.goes_on:  # `map`'s function raised it: this read ends, not the map
                raise
            self.done = True
            raise RuntimeError("generator raised StopIteration") from None
        except UnboundLocalError as error:
            self.done = not self.goes_on
            raise form.free(error, scope.outer) from None
        except BaseException:
            self.done = not self.goes_on
            raise
        self.done = True
        raise StopIteration


# Named as CPython names a generator expression's iterator (`type(g).__name__`).
GenExp.__name__ = GenExp.__qualname__ = "generator"


class Slice:
    """`itertools.islice(iterable, start, stop, step)`, read as it is read, as CPython's: it
    skips to the next index it gives, stops at `stop` without reading past it, and lets go of
    its source once that has ended. Saved over its source, which need not end."""

    __slots__ = ("count", "meter", "next", "source", "step", "stop")

    def __init__(
        self, source: Iterator[Any] | None, meter: Meter, place: tuple[int, int | None, int, int]
    ) -> None:
        self.source, self.meter = source, meter
        self.next, self.stop, self.step, self.count = place

    @staticmethod
    def of(meter: Meter, iterable: Any, *bounds: Any) -> Slice:
        """`islice(iterable, *bounds)` with CPython's checks of its arguments."""
        itertools.islice((), *bounds)  # raises CPython's errors for bad bounds
        start, stop, step = (lambda s: (s.start, s.stop, s.step))(slice(*bounds))
        place = (
            0 if start is None else operator.index(start),
            None if stop is None else operator.index(stop),
            1 if step is None else operator.index(step),
            0,
        )
        return Slice(iter(iterable), meter, place)

    @property
    def place(self) -> tuple[int, int | None, int, int]:
        return self.next, self.stop, self.step, self.count

    def __iter__(self) -> Slice:
        return self

    def __next__(self) -> Any:
        source = self.source
        if source is None:
            raise StopIteration
        meter = self.meter
        try:
            while self.count < self.next:
                meter.charge(1)
                next(source)
                self.count += 1
            if self.stop is not None and self.count >= self.stop:
                raise StopIteration
            meter.charge(1)
            item = next(source)
        except StopIteration:
            self.source = None
            raise
        self.count += 1
        self.next += self.step
        if self.stop is not None and self.next > self.stop:
            self.next = self.stop
        return item


# As CPython names it (`type(s).__name__`).
Slice.__name__ = Slice.__qualname__ = "islice"


def encode_lazy(obj: GenExp | Slice, encode: Callable[[Any], Any]) -> Any:
    """A generator expression or `islice` over its source, or None for one nested in another
    comprehension (whose scope is not a function's locals: it is saved as its items)."""
    if isinstance(obj, Slice):
        return {"$t": "islice", "of": encode(obj.source), "at": list(obj.place)}
    if type(obj.scope.outer) is not dict:
        return None
    own = {name: value for name, value in dict.items(obj.scope) if name != ENCLOSING}
    return {"$t": "genexp", "n": obj.form.ordinal, "env": encode(obj.scope.outer),
            "own": encode(own), "of": encode(obj.source), "done": obj.done,
            **({"on": True} if obj.goes_on else {})}  # fmt: skip


def decode_lazy(
    value: Any, decode: Callable[[Any], Any], genexps: tuple[GenForm, ...], meter: Meter | None
) -> GenExp | Slice:
    """What `encode_lazy` saved, with the program's generator expressions and the meter its
    reads are charged on."""
    source = decode(value["of"]) if value["$t"] == "islice" else None
    if value["$t"] == "islice":
        place = value["at"]
        if (meter is None or not (source is None or hasattr(source, "__next__"))
                or len(place) != 4 or not all(type(x) is int or x is None for x in place)):  # fmt: skip
            raise ValueNotSerializable("a saved islice whose parts are not of their kinds")
        return Slice(source, meter, tuple(place))
    ordinal = value["n"]
    if type(ordinal) is not int or not 0 <= ordinal < len(genexps):
        raise ValueNotSerializable(f"a saved generator expression of an unknown form {ordinal!r}")
    env, own, source = decode(value["env"]), decode(value["own"]), decode(value["of"])
    if type(env) is not dict or type(own) is not dict or not hasattr(source, "__next__"):
        raise ValueNotSerializable(
            "a saved generator expression whose parts are not of their kinds"
        )
    scope = Scope(env)
    scope.update(own)
    scope[ENCLOSING] = env
    generator = GenExp(genexps[ordinal], scope, source)
    generator.done = bool(value["done"])
    generator.goes_on = value.get("on") is True
    return generator


def goes_on(generator: Any) -> Any:
    """`vocabulary.GOES_ON`: the compiler's generator expression of a `map` or `filter`,
    marked so an error of its function does not end it."""
    if isinstance(generator, GenExp):
        generator.goes_on = True
    return generator
