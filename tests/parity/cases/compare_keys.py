"""`functools.cmp_to_key` as the key of `sorted` and `list.sort`: a plain function, a helper
method and a function value comparing items, `reverse=` keeping equal items in order, and an
error of the comparison propagating."""

from __future__ import annotations

import functools
from functools import cmp_to_key

from waymark import Workflow, workflow


def by_remainder(a: int, b: int) -> int:
    return (a % 3) - (b % 3)


def by_length_then_text(a: str, b: str) -> int:
    if len(a) != len(b):
        return len(a) - len(b)
    return -1 if a < b else (1 if a > b else 0)


def strict(a: object, b: object) -> int:
    if type(a) is not type(b):
        raise TypeError(f"cannot compare {type(a).__name__} with {type(b).__name__}")
    return 0


@workflow
class CompareKeys(Workflow):
    async def run(self, numbers: list[int], words: list[str]) -> list[object]:
        chosen = by_remainder if numbers else self.backwards
        in_place = list(words)
        in_place.sort(key=cmp_to_key(by_length_then_text), reverse=True)
        return [
            sorted(numbers, key=cmp_to_key(by_remainder)),
            sorted(numbers, key=functools.cmp_to_key(by_remainder), reverse=True),
            sorted(words, key=cmp_to_key(by_length_then_text)),
            sorted(numbers, key=cmp_to_key(self.backwards)),
            sorted((n * 2 for n in numbers), key=cmp_to_key(chosen)),
            in_place,
            sorted([], key=cmp_to_key(strict)),
        ]

    def backwards(self, a: int, b: int) -> int:
        return b - a


@workflow
class CompareErrors(Workflow):
    async def run(self, items: list[object]) -> str:
        try:
            return str(sorted(items, key=cmp_to_key(strict)))
        except TypeError as error:
            return f"TypeError: {error}"
