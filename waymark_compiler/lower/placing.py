"""Placing the nodes a syntax-tree rewrite makes at the source position of the nodes they
replace, so diagnostics and line numbers stay those of the user's source; and fresh names
for what a rewrite adds. Nothing here decides what is rewritten.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from waymark_compiler.source import Source
from waymark_compiler.walk import children


class Placing(cst.CSTTransformer):
    """A transformer whose every new node takes the position of the node it replaces."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> Any:
        made = super().on_leave(original, updated)
        if isinstance(made, cst.CSTNode) and made is not original:
            place(self.source, made, original)
        return made


def fresh(base: str, taken: set[str]) -> str:
    name, count = base, 1
    while name in taken:
        count += 1
        name = f"{base}_{count}"
    taken.add(name)
    return name


def place(source: Source, made: cst.CSTNode, original: cst.CSTNode) -> None:
    """`made` (and what it holds that has no position) at the position of `original`."""
    where = source.positions.get(original)
    if where is None:
        return
    stack = [made]
    while stack:
        node = stack.pop()
        if node not in source.positions:
            source.positions[node] = where
            stack.extend(children(node))
