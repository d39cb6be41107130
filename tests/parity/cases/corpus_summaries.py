"""Long-document summarisation with an LLM: text chunked by a generator helper, chunks
summarised in parallel batches with a per-call timeout and a fallback, rate limits retried in
a while loop with backoff, and the partial summaries merged."""

from __future__ import annotations

import asyncio
import itertools
import textwrap
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from waymark import Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


class LlmError(Exception):
    pass


class RateLimit(LlmError):
    def __init__(self, wait: float) -> None:
        super().__init__(f"rate limited, retry in {wait:.1f}s")
        self.wait = wait


class ContextTooLong(LlmError):
    pass


@dataclass
class Chunk:
    index: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@action
async def summarise(chunk: str, style: str) -> str:
    key = chunk[:12]
    CALLS[key] = CALLS.get(key, 0) + 1
    if "overflow" in chunk:
        raise ContextTooLong(f"{len(chunk)} chars is over the context window")
    if "busy" in chunk and CALLS[key] < 3:
        raise RateLimit(wait=0.25 * CALLS[key])
    first = chunk.split(".")[0].strip()
    return first.upper() if style == "shout" else first


def paragraphs(text: str, width: int) -> Iterator[Chunk]:
    buffer: list[str] = []
    index = 0
    for block in textwrap.dedent(text).strip().split("\n\n"):
        for line in textwrap.wrap(" ".join(block.split()), width=width):
            buffer.append(line)
            if sum(len(b) for b in buffer) >= width:
                yield Chunk(index, " ".join(buffer))
                index += 1
                buffer.clear()
    if buffer:
        yield Chunk(index, " ".join(buffer))


@workflow
class SummariseDocument(Workflow):
    async def summarise_with_retry(self, chunk: Chunk, style: str, attempts: int = 4) -> str:
        delay = 0.1
        while True:
            try:
                summary = await summarise(chunk.text, style)
            except RateLimit as error:
                attempts -= 1
                if attempts == 0:
                    raise
                await asyncio.sleep(max(delay, error.wait))
                delay *= 2
            else:
                break
        return summary

    async def run(
        self, text: str, width: int = 60, batch: int = 2, style: str = "plain"
    ) -> dict[str, object]:
        chunks = list(paragraphs(text, width))
        results: list[str | None] = []
        failures: deque[str] = deque(maxlen=3)
        for start in range(0, len(chunks), batch):
            group = chunks[start : start + batch]
            outcomes = await asyncio.gather(
                *[self.summarise_with_retry(c, style) for c in group], return_exceptions=True
            )
            for chunk, outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, ContextTooLong):
                    failures.append(f"#{chunk.index}: too long ({chunk.words} words)")
                    results.append(None)
                elif isinstance(outcome, LlmError):
                    failures.append(f"#{chunk.index}: {outcome}")
                    results.append(None)
                else:
                    results.append(outcome)
        for i, item in enumerate(results):  # noqa: B007 (read after the loop)
            if item is None:
                break
        else:
            i = -1
        merged = "; ".join(itertools.compress(results, [r is not None for r in results]))
        return {
            "chunks": len(chunks),
            "first_gap": i,
            "summary": textwrap.shorten(merged, width=120, placeholder=" [...]"),
            "failures": list(failures),
            "words": [c.words for c in chunks],
        }


DOC = """
    Waymark runs workflows. It keeps state in PostgreSQL and never replays history.

    The busy part of the system is the queue. Workers claim actions in batches
    and heartbeat while they run.

    This paragraph will overflow the model's context window. It goes on and on.

    Finally, a short ending. Nothing more.
"""

INPUTS = {
    "SummariseDocument": [
        {"text": DOC},
        {"text": DOC, "width": 200, "batch": 3, "style": "shout"},
        {"text": "   "},
    ]
}
