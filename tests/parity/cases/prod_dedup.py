"""Customer dedup and merge: contacts from several sources normalised, grouped by a match key
with `itertools.groupby`, merged field by field with source precedence, conflicts reported."""

from __future__ import annotations

import itertools
import operator
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from waymark import Workflow, action, workflow

PRECEDENCE = {"crm": 0, "billing": 1, "support": 2}


@dataclass(frozen=True)
class Contact:
    source: str
    email: str
    name: str
    phone: str | None = None
    tags: frozenset[str] = frozenset()


@dataclass
class Merged:
    key: str
    name: str
    emails: list[str]
    phone: str | None
    tags: list[str]
    sources: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


@action
async def pull(source: str) -> list[Contact]:
    data = {
        "crm": [
            Contact("crm", "Ada@Example.com ", "Ada Lovelace", "+44 20 1234", frozenset({"vip"})),
            Contact("crm", "bob@example.com", "Bob", None),
        ],
        "billing": [
            Contact(
                "billing", "ada@example.com", "A. Lovelace", "+44 20 9999", frozenset({"paying"})
            ),
            Contact("billing", "chloé@example.com", "Chloé Durand"),
        ],
        "support": [
            Contact(
                "support",
                "CHLOE@example.com",
                "Chloe Durand",
                "+33 1 5555",
                frozenset({"angry", "vip"}),
            ),
            Contact("support", "bob@example.com", "Robert", "+1 555 0100"),
            Contact("support", "", "anonymous"),
        ],
    }
    return data[source]


def match_key(contact: Contact) -> str:
    local, _, domain = contact.email.strip().lower().partition("@")
    ascii_local = unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode()
    return f"{ascii_local}@{domain}" if domain else ""


def merge(key: str, group: list[Contact]) -> Merged:
    ranked = sorted(group, key=lambda c: PRECEDENCE[c.source])
    best = ranked[0]
    phones = {c.phone for c in ranked if c.phone}
    merged = Merged(
        key=key,
        name=best.name,
        emails=sorted({c.email.strip().lower() for c in group}),
        phone=next((c.phone for c in ranked if c.phone), None),
        tags=sorted(set().union(*(c.tags for c in group))),
        sources=[c.source for c in ranked],
    )
    if len(phones) > 1:
        merged.conflicts.append(f"phone: {' vs '.join(sorted(phones))}")
    names = {c.name for c in group}
    if len(names) > 1:
        merged.conflicts.append("name: " + ", ".join(sorted(names, key=lambda n: (-len(n), n))))
    return merged


@workflow
class DedupContacts(Workflow):
    async def run(self, sources: list[str]) -> dict[str, Any]:
        contacts: list[Contact] = []
        for source in sources:
            contacts += await pull(source)
        keyed = sorted(((match_key(c), c) for c in contacts), key=operator.itemgetter(0))
        merged: list[Merged] = []
        skipped = 0
        for key, pairs in itertools.groupby(keyed, key=lambda kc: kc[0]):
            group = [c for _, c in pairs]
            if not key:
                skipped += len(group)
                continue
            merged.append(merge(key, group))
        by_source = Counter(s for m in merged for s in m.sources)
        tag_owners = {
            tag: sorted(m.key for m in merged if tag in m.tags)
            for tag in sorted({t for m in merged for t in m.tags})
        }
        duplicates = [m.key for m in merged if len(m.sources) > 1]
        first = merged[0] if merged else None
        renamed = replace(contacts[0], name=contacts[0].name.upper()) if contacts else None
        return {
            "merged": merged,
            "skipped": skipped,
            "by_source": dict(by_source.most_common()),
            "tag_owners": tag_owners,
            "duplicates": duplicates,
            "first": first,
            "renamed": renamed,
            "union": sorted(set(sources) | {"crm"} - {"support"}),
            "pairs": list(itertools.pairwise(sorted(by_source))),
            "chained": list(itertools.chain.from_iterable(m.emails for m in merged))[:3],
        }
