"""Release notes from commit messages: conventional-commit subjects parsed with a regex,
ticket ids linked, scopes normalised (accents folded, case folded), breaking changes pulled
to the top, and each section wrapped to the changelog's width."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from waymark import Workflow, action, workflow

SUBJECT = re.compile(r"^(?P<kind>\w+)(?:\((?P<scope>[^)]+)\))?(?P<bang>!)?:\s*(?P<text>.+)$")
TICKET = re.compile(r"\b([A-Z]{2,5})-(\d+)\b")
SECTION_TITLES = {"feat": "Features", "fix": "Bug fixes", "perf": "Performance", "docs": "Docs"}
WIDTH = 60
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
DASHES = str.maketrans("\u2013\u2014", "--", "\u00ad")


@dataclass
class Change:
    kind: str
    scope: str
    text: str
    breaking: bool
    sha: str


@action
async def fetch_commits(repo: str, since: str) -> list[dict[str, str]]:
    messages = [
        "feat(Büro-API): add bulk export for PAY-1021 and PAY-1022",
        "fix(auth)!: drop the legacy \u201ctoken\u201d header\n\nBREAKING CHANGE: clients must send Bearer",
        "chore: bump deps",
        "perf(search): cache the tokenizer \u2014 3x faster on OPS-7 (pre\u00adcompiled)",
        "Fix(Auth): don\u2019t log the password   on failure",
        "docs: explain the retry policy in detail so that readers who skim the page still find the backoff table",
        "feat!: remove v1 endpoints",
        "random commit without a type",
    ]
    if repo == "empty":
        return []
    return [{"sha": f"{i:07x}{repo[:3]}", "message": m} for i, m in enumerate(messages, 1)]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def link_tickets(text: str, tracker: str) -> str:
    return TICKET.sub(lambda m: f"[{m[1]}-{int(m[2])}]({tracker}/{m[1].lower()}/{m[2]})", text)


def parse(sha: str, message: str) -> Change | None:
    subject, _, body = message.partition("\n")
    match = SUBJECT.match(subject.strip())
    if match is None:
        return None
    kind = match["kind"].lower()
    scope = fold(match.group("scope") or "general").replace(" ", "-")
    text = " ".join(match["text"].translate(SMART_QUOTES).translate(DASHES).split())
    breaking = bool(match["bang"]) or "BREAKING CHANGE:" in body
    return Change(kind, scope, text[0].upper() + text[1:], breaking, sha[:7])


def render_section(title: str, changes: list[Change], tracker: str) -> str:
    lines = [title, "-" * len(title)]
    for change in sorted(changes, key=lambda c: (c.scope, c.text)):
        entry = f"**{change.scope}**: {link_tickets(change.text, tracker)} ({change.sha})"
        lines.append(textwrap.fill(entry, WIDTH, initial_indent="* ", subsequent_indent="  "))
    return "\n".join(lines)


@workflow
class ReleaseNotes(Workflow):
    async def run(
        self, repo: str, version: str, tracker: str = "https://t.example"
    ) -> dict[str, object]:
        commits = await fetch_commits(repo, "v" + version)
        sections: dict[str, list[Change]] = defaultdict(list)
        skipped: list[str] = []
        for commit in commits:
            change = parse(commit["sha"], commit["message"])
            if change is None or change.kind not in SECTION_TITLES:
                skipped.append(commit["sha"][:7])
                continue
            sections[change.kind].append(change)
        breaking = [c for group in sections.values() for c in group if c.breaking]
        parts = [f"# {repo} {version}".strip()]
        if breaking:
            parts.append("## \u26a0 Breaking\n" + "\n".join(f"- {c.text}" for c in breaking))
        parts += [
            render_section(SECTION_TITLES[kind], sections[kind], tracker)
            for kind in SECTION_TITLES
            if kind in sections
        ]
        notes = "\n\n".join(parts)
        return {
            "notes": notes,
            "skipped": skipped,
            "longest_line": max(map(len, notes.splitlines())),
            "headline": textwrap.shorten(notes.splitlines()[-1], width=30, placeholder=" [...]"),
            "scopes": sorted({c.scope for group in sections.values() for c in group}),
        }
