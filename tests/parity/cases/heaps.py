"""`heapq` on lists and `hashlib` digests in a workflow: a priority queue kept across awaits,
top-n with and without `key=`, digests for idempotency keys, and Python's own errors."""

from __future__ import annotations

import asyncio
import hashlib
import heapq
from collections import deque
from heapq import heappop, heappush

from waymark import Workflow, action, workflow


@action
async def cost(job: str) -> int:
    return len(job) * 3 % 7


@workflow
class PriorityQueue(Workflow):
    """Jobs run cheapest first; the heap of (cost, order, job) tuples survives every await."""

    async def run(self, jobs: list[str]) -> list[object]:
        queue: list[tuple[int, int, str]] = []
        for order, job in enumerate(jobs):
            heappush(queue, (await cost(job), order, job))
        done = []
        while queue:
            price, _, job = heappop(queue)
            await asyncio.sleep(0)
            done.append(f"{job}:{price}")
        numbers = [len(j) for j in jobs]
        heapq.heapify(numbers)
        pushed = heapq.heappushpop(numbers, 4) if numbers else None
        replaced = heapq.heapreplace(numbers, 0) if numbers else None
        return [done, numbers, pushed, replaced]


@workflow
class TopN(Workflow):
    async def run(self, words: list[str], n: int) -> list[object]:
        scores = {w: len(w) * (i + 1) for i, w in enumerate(words)}
        return [
            heapq.nlargest(n, words, key=len),
            heapq.nsmallest(n, words, key=scores.get),
            heapq.nlargest(n, [len(w) for w in words]),
            heapq.nsmallest(n, words),
            heapq.nlargest(n, words, key=lambda w: (w[-1:], w)),
        ]


@workflow
class Digests(Workflow):
    async def run(self, customer: str, amount: int) -> list[object]:
        key = hashlib.sha256(f"{customer}:{amount}".encode()).hexdigest()
        short = hashlib.md5(customer.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
        raw = hashlib.blake2b(customer.encode(), digest_size=16).digest()
        await asyncio.sleep(0)
        return [key, short, raw.hex(), len(raw), hashlib.sha1("é".encode()).hexdigest()]


@workflow
class HeapErrors(Workflow):
    async def run(self, case: str) -> str:
        try:
            if case == "empty":
                heapq.heappop([])
            elif case == "mixed":
                heapq.heappush([1, 2], "x")
            elif case == "text":
                return hashlib.sha256(case).hexdigest()  # type: ignore[arg-type]
            elif case == "tuple":
                heapq.heappush((1, 2), 3)  # type: ignore[arg-type]
        except (IndexError, TypeError) as error:
            return f"{type(error).__name__}: {error}"
        return "no error"


@action
async def neighbours(node: str) -> list[str]:
    graph = {"a": ["b", "c"], "b": ["d"], "c": ["d", "e"], "d": ["f"], "e": ["f"], "f": []}
    return graph.get(node, [])


@action
async def keep_window(window: deque[int]) -> deque[int]:
    window.append(sum(window))
    return window


@workflow
class Queues(Workflow):
    """`collections.deque`: a breadth-first walk whose queue lives across awaits, a bounded
    window, rotation, a deque through an action and back, and Python's own errors."""

    async def run(self, start: str, values: list[int]) -> list[object]:
        order, seen, queue = [], {start}, deque([start])
        while queue:
            node = queue.popleft()
            order.append(node)
            for nxt in await neighbours(node):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        window: deque[int] = deque(maxlen=3)
        averages = []
        for v in values:
            window.append(v)
            averages.append(round(sum(window) / len(window), 2))
        turned = deque(values)
        turned.rotate(2)
        turned.extendleft([-1, -2])
        back = await keep_window(deque(values[:2], maxlen=3))
        errors = []
        for case in ("empty", "missing"):
            try:
                if case == "empty":
                    deque().popleft()
                else:
                    deque([1]).index(5)
            except (IndexError, ValueError) as error:
                errors.append(f"{type(error).__name__}: {error}")
        return [order, averages, list(turned), turned.maxlen, back, back.maxlen,
                3 in window, window == deque(values[-3:]), errors]  # fmt: skip
