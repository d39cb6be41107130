"""A seeded `random.Random`: a QA sample of a batch, a shuffled review order and weighted
picks drawn from a generator seeded by the batch id, kept across awaits (one generator under
two names stays one, and goes on where it was), as CPython draws them."""

from __future__ import annotations

import asyncio
import random
from random import Random

from waymark import Workflow, action, workflow


@action
async def batch_rows(batch: str, count: int) -> list[str]:
    return [f"{batch}-{n:03d}" for n in range(count)]


@action
async def reviewers() -> list[str]:
    return ["ana", "ben", "cai", "dov"]


@workflow
class SeededRandom(Workflow):
    async def run(self, batch: str, count: int = 40, share: float = 0.1) -> dict[str, object]:
        rng = random.Random(f"qa:{batch}")
        same = rng
        rows = await batch_rows(batch, count)
        sample = sorted(rng.sample(rows, max(1, int(len(rows) * share))))
        await asyncio.sleep(0.5)
        order = await reviewers()
        same.shuffle(order)
        assigned = {row: rng.choice(order) for row in sample}
        weights = rng.choices(["fast", "deep"], weights=[3, 1], k=len(sample))
        other = Random(len(rows))
        try:
            empty = rng.choice([])
        except IndexError as error:
            empty = str(error)
        return {
            "sample": sample,
            "order": order,
            "assigned": assigned,
            "weights": weights,
            "dice": [rng.randint(1, 6) for _ in range(5)],
            "step": rng.randrange(0, 100, 7),
            "fraction": round(rng.random(), 12),
            "spread": round(rng.uniform(-1, 1), 12),
            "other": other.getrandbits(20),
            "one": same is rng,
            "empty": empty,
        }
