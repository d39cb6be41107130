"""One rule of the catalogue: its record, and the one shape every explanation is written in
(what it does, why, an example, what to use instead).

It owns that shape only: it must not define rules (the modules beside it do) or list them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: `explanation` covers what it does, why, an example and what to use instead."""

    code: str
    name: str
    summary: str
    explanation: str


def rule(code: str, name: str, summary: str, why: str, example: str, instead: str) -> Rule:
    text = (
        f"## What it does\n{summary[0].upper()}{summary[1:]}.\n\n## Why\n{why}\n\n"
        f"## Example\n```python\n{example}\n```\n\n## Use instead\n{instead}\n"
    )
    return Rule(code, name, summary, text)
