"""Plain functions at the top of the workflow's module, called from `run()` and its helpers:
compiled with the workflow as its helpers (sync and async, calling each other, recursive,
reading module constants, raising, changing what they are passed)."""

from __future__ import annotations

import asyncio

from waymark import Workflow, action, workflow

SEPARATOR = " / "
LIMIT = 3


class TooLong(Exception):
    pass


@action
async def shout(word: str) -> str:
    return word.upper()


def chunk(words: list[str], size: int = LIMIT) -> list[list[str]]:
    return [words[i : i + size] for i in range(0, len(words), size)]


def label(parts: list[str], *, sep: str = SEPARATOR) -> str:
    if len(parts) > 4:
        raise TooLong(f"{len(parts)} parts")
    return sep.join(parts)


def labels(words: list[str]) -> list[str]:
    return [label(group) for group in chunk(words)]


def depth(n: int) -> int:
    return 0 if n <= 1 else 1 + depth(n // 2)


def remember(seen: list[str], word: str) -> bool:
    if word in seen:
        return False
    seen.append(word)
    return True


async def loud(words: list[str]) -> list[str]:
    results = await asyncio.gather(*[shout(word) for word in words])
    return [f"{word}!" for word in results]


async def first_loud(words: list[str]) -> str | None:
    for word in words:
        if len(word) > 2:
            return await shout(word)
    return None


@workflow
class ModuleHelpers(Workflow):
    async def run(self, words: list[str]) -> list[object]:
        seen: list[str] = []
        fresh = [word for word in words if remember(seen, word)]
        try:
            joined = label(fresh, sep="+")
        except TooLong as error:
            joined = f"too long: {error}"
        shouted = await loud(fresh[:2])
        pair = await asyncio.gather(first_loud(words), loud(["x"]))
        return [labels(fresh), joined, seen, depth(len(words) * 5), shouted, pair, self.chunk()]

    def chunk(self) -> str:
        return "the method, not the function"
