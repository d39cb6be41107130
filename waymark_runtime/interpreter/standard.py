"""`heapq`, `hashlib` and `hmac` under the interpreter's limits.

A heap is a plain list, changed in place by Python's own functions: each call is charged for
the comparisons it makes (about log2 n, each visiting the nested items of what it compares)
and a push is refused past the collection limit, as `append` is. A digest is one call, written
`hashlib.sha256(data).hexdigest()` (the compiler lowers it to `` `hashlib.digest` ``): a hash
object is never a workflow value, as it cannot be saved across an await; nor is an `hmac`
object (`hmac.new(key, msg, hashlib.sha256).hexdigest()` is one call, as a digest is).
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import hmac
import math
from collections.abc import Callable
from typing import Any

from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION
from waymark_runtime.interpreter.sizes import weigh
from waymark_runtime.vocabulary import DIGEST, HASH_ALGORITHMS, HMAC_DIGEST


def standard_functions(guards: Bounded) -> dict[str, Callable[..., Any]]:
    """`heapq.<name>` and the digest function, by qualified name, under `guards`' meter."""
    meter = guards.meter

    def compare(item: Any, heap: Any, times: int = 1) -> None:
        """Charge `times` rounds of about log2 n comparisons of `item` within `heap`."""
        size = len(heap) if isinstance(heap, list) else 0
        rounds = max(1, math.ceil(math.log2(size + 1))) * times
        items, chars = weigh(item, meter.left)
        meter.charge((1 + items + chars // CHARS_PER_OPERATION) * rounds)

    def grow(heap: Any) -> None:
        if isinstance(heap, list) and len(heap) >= meter.items:
            raise meter.too_many_items(len(heap) + 1)

    def heappush(heap: Any, item: Any, /) -> None:
        grow(heap)
        compare(item, heap)
        heapq.heappush(heap, item)

    def heappop(heap: Any, /) -> Any:
        if isinstance(heap, list) and heap:
            compare(heap[-1], heap, 2)  # the last item sinks from the top: two per level
        return heapq.heappop(heap)

    def heapify(heap: Any, /) -> None:
        guards.charge_visit(heap)
        guards.charge_visit(heap)  # fewer than two comparisons per item
        heapq.heapify(heap)

    def heappushpop(heap: Any, item: Any, /) -> Any:
        compare(item, heap, 2)
        return heapq.heappushpop(heap, item)

    def heapreplace(heap: Any, item: Any, /) -> Any:
        compare(item, heap, 2)
        return heapq.heapreplace(heap, item)

    def ranked(largest: bool) -> Callable[..., list[Any]]:
        """`nlargest(n, iterable)` / `nsmallest`: a sort of the items (a `key=` is lowered by
        the compiler to `sorted`, as the documentation defines them)."""
        select = heapq.nlargest if largest else heapq.nsmallest

        def chosen(n: int, iterable: Any, /, key: None = None) -> list[Any]:
            items = meter.materialise(iterable)
            guards.charge_sort(items)
            return select(n, items, key=key)

        return chosen

    def merge(*iterables: Any, key: None = None, reverse: bool = False) -> Any:
        """`heapq.merge(*sorted_inputs)`: lazy, as Python's, each input read item by item
        (a `key=` is a function, which the compiler refuses)."""
        return heapq.merge(*[meter.metered(it) for it in iterables], key=key, reverse=reverse)

    def searched(function: Callable[..., int]) -> Callable[..., int]:
        """`bisect_left(items, x, lo, hi)`: about log2 n comparisons of `x`."""

        def search(a: Any, x: Any, lo: int = 0, hi: int | None = None) -> int:
            compare(x, a)
            return function(a, x, lo, hi)

        return search

    def inserted(function: Callable[..., None]) -> Callable[..., None]:
        """`insort(items, x, lo, hi)`: a search, then the items after `x` move up one."""

        def insort(a: Any, x: Any, lo: int = 0, hi: int | None = None) -> None:
            grow(a)
            compare(x, a)
            meter.charge(1 + (len(a) if isinstance(a, list) else 0) // CHARS_PER_OPERATION)
            function(a, x, lo, hi)

        return insort

    def digest(algorithm: str, method: str, data: Any, /, **options: Any) -> Any:
        """`hashlib.<algorithm>(data, **options).<method>()`: Python's own errors (`str` data:
        "Strings must be encoded before hashing")."""
        if algorithm not in HASH_ALGORITHMS or method not in ("digest", "hexdigest"):
            raise ValueError(f"unsupported hash {algorithm}.{method}")
        if isinstance(data, bytes | bytearray):
            meter.charge(1 + len(data) // CHARS_PER_OPERATION)
        return getattr(getattr(hashlib, algorithm)(data, **options), method)()

    def keyed_digest(algorithm: str, method: str, key: Any, msg: Any, /) -> Any:
        """`hmac.new(key, msg, algorithm).<method>()`: Python's own errors (`str` key)."""
        if algorithm not in HASH_ALGORITHMS or method not in ("digest", "hexdigest"):
            raise ValueError(f"unsupported hmac {algorithm}.{method}")
        if isinstance(msg, bytes | bytearray):
            meter.charge(1 + len(msg) // CHARS_PER_OPERATION)
        return getattr(hmac.new(key, msg, algorithm), method)()

    return {
        "heapq.heappush": heappush,
        "heapq.heappop": heappop,
        "heapq.heapify": heapify,
        "heapq.heappushpop": heappushpop,
        "heapq.heapreplace": heapreplace,
        "heapq.nlargest": ranked(True),
        "heapq.nsmallest": ranked(False),
        "heapq.merge": merge,
        DIGEST: digest,
        HMAC_DIGEST: keyed_digest,
        "bisect.bisect": searched(bisect.bisect),
        "bisect.bisect_left": searched(bisect.bisect_left),
        "bisect.bisect_right": searched(bisect.bisect_right),
        "bisect.insort": inserted(bisect.insort),
        "bisect.insort_left": inserted(bisect.insort_left),
        "bisect.insort_right": inserted(bisect.insort_right),
    }
