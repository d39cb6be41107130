"""Refuses displays of more than `MAX_DISPLAY_ITEMS` items (WM139) before libcst reads the
module: its tree, positions and the lowering cost tens of microseconds per item, so a 200,000
item literal took minutes. Measured on CPython's `ast`, which costs a fraction of that."""

from __future__ import annotations

import ast

from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.rules.expressions import UNSUPPORTED_LITERAL
from waymark_runtime.ir import Span
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS

HELP = "keep large data outside the code: an action can read it from a file or a table"
_DISPLAYS = (ast.List, ast.Tuple, ast.Set)


def too_large(path: str, tree: ast.AST) -> Diagnostic | None:
    """WM139 at the first display with more than MAX_DISPLAY_ITEMS items."""
    for node in ast.walk(tree):
        count = _items(node)
        if count > MAX_DISPLAY_ITEMS:
            return Diagnostic(UNSUPPORTED_LITERAL.code, "error",
                              f"a literal of {count:,} items (more than {MAX_DISPLAY_ITEMS:,})",
                              path, _span(node), "too large", HELP)  # fmt: skip
    return None


def _items(node: ast.AST) -> int:
    if isinstance(node, _DISPLAYS):
        return len(node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys)
    return 0


def _span(node: ast.AST) -> Span:
    line = getattr(node, "lineno", 1)
    column = getattr(node, "col_offset", 0) + 1
    return Span(line, column, line, column + 1)
