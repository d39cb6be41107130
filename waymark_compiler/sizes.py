"""Displays of more than `MAX_DISPLAY_ITEMS` items: refused (WM139) where workflow code would
carry them into its program, left alone anywhere else (a data table an action reads).

Such a display can never be lowered, so libcst need not read its items: `blank_large` turns its
inside into whitespace before libcst parses the module (newlines kept, so every other position is
unchanged), and `locate` finds the empty display libcst made of it. libcst costs tens of
microseconds per item (parse and positions): a 200,000-item table took ~20 s to read, and now
as long as CPython's `ast` takes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

import libcst as cst

from waymark_compiler.diagnostics import Sink
from waymark_compiler.layout import Layout
from waymark_compiler.positions import Range
from waymark_compiler.rules.expressions import UNSUPPORTED_LITERAL
from waymark_runtime import ir
from waymark_runtime.ir import Span
from waymark_runtime.sizes import (
    MAX_DISPLAY_ITEMS,
    MAX_LITERAL_DIGITS,
    MAX_PROGRAM_CHARS,
    too_long_int,
)

LABEL = "too large for a workflow"
HELP = (
    "keep large data out of workflow code: an action can look it up (the table may stay in its "
    "module) or read it from a file"
)
DISPLAYS = (cst.List, cst.Tuple, cst.Set, cst.Dict)
Where = tuple[int, int]
"""(line, column), both from 1, as `Span`s count them."""

_NEWLINE = re.compile(r"\r\n|\r|\n")


def message(count: int) -> str:
    return f"a literal of {count:,} items (more than {MAX_DISPLAY_ITEMS:,})"


def blank_large(text: str, tree: ast.Module) -> tuple[str, dict[Where, int], Layout]:
    """`text` with the items of every display of more than MAX_DISPLAY_ITEMS items removed, and
    where each of those displays starts, with its number of items. The display keeps its first
    and last line (so every other column is unchanged): `Layout` gives the lines removed. Only
    loaded displays: an assignment target keeps its names."""
    if text.count(",") < MAX_DISPLAY_ITEMS:  # every item but the last is followed by one
        return text, {}, Layout()
    found: list[tuple[ast.expr, int]] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        count = _items(node)
        if count > MAX_DISPLAY_ITEMS:
            assert isinstance(node, ast.expr)
            found.append((node, count))
        else:  # a display inside an emptied one goes with it
            pending.extend(ast.iter_child_nodes(node))
    if not found:
        return text, {}, Layout()
    starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
    pieces: list[str] = []
    at, removed, large = 0, 0, {}
    moved_from: list[int] = []
    moved_by: list[int] = []
    for node, count in sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset)):
        start = _offset(text, starts, node.lineno, node.col_offset)
        end_line = node.end_lineno or node.lineno
        end = _offset(text, starts, end_line, node.end_col_offset or 0)
        newlines = _NEWLINE.findall(text, start, end)
        inside = " " * (end - 1 - starts[end_line - 1])  # to the column of the last character
        if newlines:
            inside = newlines[-1] + inside
            removed += len(newlines) - 1
            moved_from.append(node.lineno - (moved_by[-1] if moved_by else 0) + 1)
            moved_by.append(removed)
        else:
            inside = " " * (end - start - 2)
        if text[start] + text[end - 1] in ("()", "[]", "{}"):
            pieces += [text[at : start + 1], inside, text[end - 1]]
        else:  # `TABLE = 1, 2, 3`: a tuple without parentheses gets them
            pieces += [text[at:start], "(", inside, ")"]
        at = end
        large[(node.lineno, start - starts[node.lineno - 1] + 1)] = count
    pieces.append(text[at:])
    return "".join(pieces), large, Layout(moved_from=tuple(moved_from), moved_by=tuple(moved_by))


def locate(
    large: Mapping[Where, int], where: Mapping[cst.CSTNode, Range], layout: Layout
) -> dict[cst.CSTNode, int]:
    """The displays of the libcst tree that `blank_large` emptied: their number of items.
    `where` are libcst's positions, `layout` maps them to the user's."""
    found: dict[cst.CSTNode, int] = {}
    if large:
        for node in where:
            if isinstance(node, DISPLAYS) and not node.elements:
                # CPython's tuple starts at its parenthesis, libcst's inside it
                line, column = where[node.lpar[-1] if isinstance(node, cst.Tuple) else node][:2]
                count = large.get(layout.place(line, column + 1))
                if count is not None:
                    found[node] = count
    return found


def _items(node: ast.AST) -> int:
    if isinstance(node, ast.List | ast.Tuple):
        return len(node.elts) if isinstance(node.ctx, ast.Load) else 0
    if isinstance(node, ast.Set):
        return len(node.elts)
    if isinstance(node, ast.Dict):
        return len(node.keys)
    return 0


def _offset(text: str, starts: list[int], line: int, column: int) -> int:
    """The offset in `text` of CPython's (line, UTF-8 byte column)."""
    begin = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    prefix = text[begin:end].encode("utf-8", "surrogatepass")[:column]
    return begin + len(prefix.decode("utf-8", "surrogatepass"))


def long_int(program: ir.Workflow, sink: Sink, fallback: Span) -> None:
    """WM139 at the first integer of the program past MAX_LITERAL_DIGITS decimal digits (a
    hexadecimal literal, a folded constant): its `.wrl` text would be refused."""
    found = too_long_int(program)
    if found is not None:
        message = f"an integer of more than {MAX_LITERAL_DIGITS:,} digits in workflow code"
        help = "compute it in an action, or read it from a file in one"
        sink.error(UNSUPPORTED_LITERAL, found[1] or fallback, message, LABEL, help)


def long_program(wrl: str, sink: Sink, span: Span) -> None:
    """WM139 at the workflow class whose program's text is past MAX_PROGRAM_CHARS."""
    if len(wrl) > MAX_PROGRAM_CHARS:
        message = f"a program of {len(wrl):,} characters (more than {MAX_PROGRAM_CHARS:,})"
        help = "look large tables up in an action, or split the work into child workflows"
        sink.error(UNSUPPORTED_LITERAL, span, message, LABEL, help)
