"""A loop over an `OrderedDict`'s keys that awaits, whose `OrderedDict` changed (a key added,
removed or moved), fails with CPython's `RuntimeError` where it reads on; one whose values
changed reads on (`held_iterators.LoopOverDictItems` reads values as they are)."""

from __future__ import annotations

from collections import OrderedDict

from waymark import Workflow, action, workflow


@action
async def save(text: str) -> str:
    return text


@workflow
class OrderedDictChanged(Workflow):
    async def run(self, case: str) -> list[object]:
        scores = OrderedDict(a=1, b=2, c=3)
        seen: list[object] = []
        try:
            for key in scores.keys():  # noqa: SIM118 (the keys view's iterator)
                seen.append(await save(key))
                if case == "grow":
                    scores[key * 2] = 0
                elif case == "move":
                    scores.move_to_end("a")
                elif case == "pop":
                    scores.pop("c")
                else:
                    scores[key] += 10
                seen.append(await save(key.upper()))
        except RuntimeError as error:
            seen.append(str(error))
        seen.append(list(scores.items()))
        return seen
