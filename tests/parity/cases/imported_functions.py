"""Plain functions of another module of the user's code, imported by name or through their
module, called from `run()` and its helpers: compiled with the workflow as its helpers, each in
its own module (its constants, its defaults, its exceptions and the actions it calls are its
module's, whatever the importing module calls by those names)."""

from __future__ import annotations

import asyncio

from tests.parity.cases import module_functions as shared
from tests.parity.cases.module_functions import TooLong, chunk, label, labels, loud
from waymark import Workflow, workflow

LIMIT = 10
SEPARATOR = "|"


def chunk_here(words: list[str]) -> list[list[str]]:
    return chunk(words, LIMIT)


@workflow
class ImportedHelpers(Workflow):
    async def run(self, words: list[str]) -> list[object]:
        seen: list[str] = []
        fresh = [word for word in words if shared.remember(seen, word)]
        try:
            joined = label(fresh)
        except TooLong as error:
            joined = f"too long: {error}"
        shouted, first = await asyncio.gather(loud(fresh[:2]), shared.first_loud(words))
        return [
            chunk(fresh), chunk_here(fresh), labels(fresh), joined, seen,
            shared.depth(len(words) * 5), shouted, first, await self.louder(fresh),
        ]  # fmt: skip

    async def louder(self, words: list[str]) -> list[str]:
        return [word + SEPARATOR for word in await loud(words)]
