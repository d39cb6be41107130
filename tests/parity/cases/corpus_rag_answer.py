"""Retrieval-augmented answer: a question is rewritten, passages are retrieved and ranked,
packed into a prompt under a token budget (truncated with an ellipsis), the model is called
with retries on rate limits, and the reply's citations are parsed and checked."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}

CITATION = re.compile(r"\[(\d+)\]")


def reset() -> None:
    CALLS.clear()


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429, retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class ContextTooLong(Exception):
    pass


@dataclass(frozen=True)
class Passage:
    doc: str
    text: str
    score: float

    @property
    def tokens(self) -> int:
        return len(self.text.split())


@dataclass
class Prompt:
    question: str
    budget: int
    passages: list[Passage] = field(default_factory=list)
    used: int = 0
    dropped: list[str] = field(default_factory=list)

    def add(self, passage: Passage) -> bool:
        room = self.budget - self.used
        if room <= 3:
            self.dropped.append(passage.doc)
            return False
        if passage.tokens > room:
            words = passage.text.split()[: room - 1]
            passage = Passage(passage.doc, " ".join(words) + " …", passage.score)
        self.passages.append(passage)
        self.used += passage.tokens
        return True

    def render(self) -> str:
        blocks = [
            f"[{i}] ({p.doc}, {p.score:.2f}) {p.text}" for i, p in enumerate(self.passages, 1)
        ]
        return "\n".join([f"Q: {self.question}", *blocks])


@action
async def rewrite(question: str) -> str:
    head, sep, _ = question.partition("?")
    return (head.strip().lower() + (sep or "?")).replace("  ", " ")


@action
async def retrieve(query: str, k: int) -> list[dict[str, object]]:
    corpus = [
        (
            "refunds.md",
            "Refunds are issued within 14 days of a return being received at the warehouse",
        ),
        (
            "shipping.md",
            "Orders ship in 2 business days; express ships the same day if placed before noon",
        ),
        (
            "returns.md",
            "Items may be returned within 30 days in their original packaging with a receipt",
        ),
        ("faq.md", "Contact support by email for anything not covered here"),
    ]
    words = set(query.strip("?").split())
    rows = []
    for doc, text in corpus:
        overlap = len(words & set(text.lower().split()))
        rows.append({"doc": doc, "text": text, "score": overlap / (1 + len(words))})
    return rows[:k]


@action
async def complete(model: str, prompt: str) -> str:
    CALLS[model] = CALLS.get(model, 0) + 1
    if model == "busy" and CALLS[model] < 3:
        raise RateLimited(0.5 * CALLS[model])
    if model == "down":
        raise RateLimited(2.0)
    if len(prompt) > 400:
        raise ContextTooLong(f"{len(prompt)} chars")
    cites = sorted({int(n) for n in CITATION.findall(prompt)})[:2]
    return "Answer: " + " ".join(f"see [{n}]" for n in cites) + " [9]"


@workflow
class AnswerQuestion(Workflow):
    async def run(
        self, question: str, model: str = "fast", budget: int = 40, k: int = 3
    ) -> dict[str, object]:
        query = await rewrite(question)
        rows = await retrieve(query, k)
        ranked = sorted(
            (Passage(str(r["doc"]), str(r["text"]), float(r["score"])) for r in rows),  # type: ignore[arg-type]
            key=lambda p: (-p.score, p.doc),
        )
        prompt = Prompt(query, budget)
        for passage in ranked:
            prompt.add(passage)
        text = prompt.render()
        try:
            reply = await self.run_action(
                complete(model, text),
                retry=RetryPolicy(attempts=3, exception_types=[RateLimited]),
                backoff=BackoffPolicy(base_delay=1, multiplier=2),
            )
        except RateLimited as error:
            return {"status": "unavailable", "why": str(error), "after": error.retry_after}
        except ContextTooLong as error:
            short = textwrap.shorten(text, width=120, placeholder=" [...]")
            return {"status": "too_long", "why": error.args[0], "preview": short}
        head, _, rest = reply.partition(": ")
        cited = [int(n) for n in CITATION.findall(rest)]
        valid = [n for n in cited if 1 <= n <= len(prompt.passages)]
        return {
            "status": head.lower(),
            "query": query,
            "used": f"{prompt.used:>3}/{budget:<3}|",
            "share": f"{prompt.used / budget:.0%}",
            "sources": [prompt.passages[n - 1].doc for n in valid],
            "bogus": sorted(set(cited) - set(valid)),
            "dropped": prompt.dropped,
            "wrapped": textwrap.wrap(rest, width=12),
            "indented": textwrap.indent(text.splitlines()[0], "> "),
        }


INPUTS = {
    "AnswerQuestion": [
        {"question": "How long do  refunds take? thanks"},
        {"question": "Can items be returned", "model": "busy", "budget": 12},
        {"question": "When do orders ship?", "model": "down"},
        {"question": "Where are returns received?", "budget": 200, "k": 4},
        {"question": "express shipping?", "budget": 5, "k": 4},
    ]
}
