"""Document ingestion: fetched pages are normalised (unicode, whitespace, hyphenation), split
into overlapping chunks on sentence boundaries, deduplicated by content hash, embedded in
batches and indexed; pages that fail to parse are quarantined with a reason."""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Iterator
from itertools import islice, pairwise

from waymark import Workflow, action, workflow

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
SPACES = re.compile(r"[ \t\u00a0]+")


class ParseError(Exception):
    pass


@action
async def fetch_page(url: str) -> str:
    if url.endswith(".bin"):
        raise ParseError(f"{url}: binary content")
    body = {
        "intro": "Way\u00admark  runs work\u00a0flows. It is dura-\nble! Every action is\trecorded. "
        "Retries happen. 42 tests pass.",
        "faq": "Q: Why? A: Because.  Caf\u00e9 is caf\u0065\u0301. Same text. Same text.",
    }
    return body.get(url.rsplit("/", 1)[-1], "")


@action
async def embed(texts: list[str]) -> list[list[float]]:
    return [[round(len(t) / 100, 3), float(sum(map(ord, t)) % 97)] for t in texts]


@action
async def index_chunks(doc: str, rows: list[tuple[str, list[float]]]) -> int:
    return len(rows)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    text = HYPHEN_BREAK.sub(r"\1\2", text)
    return SPACES.sub(" ", text).strip()


def chunk(text: str, size: int, overlap: int) -> list[str]:
    sentences = [s for s in SENTENCE_END.split(text) if s]
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        if current and len(" ".join([*current, sentence])) > size:
            chunks.append(" ".join(current))
            current = current[-overlap:] if overlap else []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


def batched(items: list[str], size: int) -> Iterator[tuple[str, ...]]:
    it = iter(items)
    while batch := tuple(islice(it, size)):
        yield batch


def digest(text: str) -> str:
    return hashlib.sha256(text.casefold().encode()).hexdigest()[:12]


@workflow
class IngestDocuments(Workflow):
    async def run(self, urls: list[str], size: int = 40, overlap: int = 1) -> dict[str, object]:
        seen: set[str] = set()
        quarantined: dict[str, str] = {}
        indexed: dict[str, int] = {}
        previews: list[str] = []
        for url in urls:
            name = url.rsplit("/", 1)[-1]
            try:
                raw = await fetch_page(url)
            except ParseError as error:
                quarantined[name] = str(error).partition(": ")[2]
                continue
            if not (text := normalise(raw)):
                quarantined[name] = "empty"
                continue
            fresh = []
            for piece in chunk(text, size, overlap):
                if (key := digest(piece)) not in seen:
                    seen.add(key)
                    fresh.append(piece)
            vectors: list[list[float]] = []
            for group in batched(fresh, 2):
                vectors.extend(await embed(list(group)))
            indexed[name] = await index_chunks(name, list(zip(fresh, vectors, strict=True)))
            previews.extend(textwrap.shorten(p, width=24, placeholder=" …") for p in fresh)
        gaps = [b[1] - a[1] for a, b in pairwise(sorted(indexed.items()))] if indexed else []
        return {
            "indexed": indexed,
            "quarantined": quarantined,
            "previews": previews,
            "unique": len(seen),
            "gaps": gaps,
            "wrapped": textwrap.fill(" | ".join(previews), width=30).splitlines()[:3],
        }


INPUTS = {
    "IngestDocuments": [
        {"urls": ["https://d/intro", "https://d/faq", "https://d/x.bin", "https://d/none"]},
        {"urls": ["https://d/faq", "https://d/intro"], "size": 80, "overlap": 0},
    ]
}
