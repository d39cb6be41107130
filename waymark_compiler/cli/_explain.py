"""`waymark compile --explain CODE`: print a rule's own documentation.

Codes are matched case-insensitively, and a rule's name works too (`--explain WM102` or
`--explain await-non-action`); an unknown one is a usage error with a "did you mean".
"""

from __future__ import annotations

import difflib
import json
import sys

from rich.console import Console
from rich.markdown import Markdown

from waymark_compiler.cli._output import UsageFailure, out, printable, use_color
from waymark_compiler.diagnostics import RULES, Rule
from waymark_runtime.errors import SHOWN_CHARACTERS


def explain_rule(query: str, as_json: bool) -> None:
    rule = find_rule(query)
    if as_json:
        fields = {"code": rule.code, "name": rule.name, "summary": rule.summary}
        out(json.dumps({**fields, "explanation": rule.explanation}, indent=2))
        return
    document = f"# {rule.code} ({rule.name})\n\n{rule.explanation.strip()}\n"
    if use_color(sys.stdout):
        # On a terminal the Markdown is rendered; piped, it stays plain text.
        Console(highlight=False).print(Markdown(document))
    else:
        out(document, end="")


def find_rule(query: str) -> Rule:
    by_key = {key.lower(): rule for rule in RULES.values() for key in (rule.code, rule.name)}
    rule = by_key.get(query.strip().lower())
    if rule is not None:
        return rule
    close = _closest(query.strip().lower(), list(by_key))
    hint = f"did you mean `{by_key[close].code}` ({by_key[close].name})?" if close else None
    codes = sorted(RULES)
    known = f"rule codes run from {codes[0]} to {codes[-1]}" if codes else "no rules are defined"
    # As typed, on one line and cut short: a newline in it must not forge a line of output.
    shown = printable(query if len(query) <= SHOWN_CHARACTERS else f"{query[:SHOWN_CHARACTERS]}...")
    raise UsageFailure(f"unknown rule `{shown}`", *([hint] if hint else []), known)


def _closest(query: str, keys: list[str]) -> str | None:
    """The most similar key; ties go to the longest shared prefix (`WM1022` → `WM102`)."""

    def score(key: str) -> tuple[float, int]:
        prefix = next(
            (i for i, (a, b) in enumerate(zip(query, key, strict=False)) if a != b), len(key)
        )
        return difflib.SequenceMatcher(None, query, key).ratio(), prefix

    best = max(keys, key=score, default=None)
    return best if best is not None and score(best)[0] >= 0.5 else None
