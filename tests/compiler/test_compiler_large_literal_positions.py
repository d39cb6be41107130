"""Positions after a display whose items are blanked before libcst reads the module: on the
display's own last line and on later lines, with multi-byte characters, tabs, form feeds, two
displays on one line and every kind of line ending, each diagnostic points where CPython's
parser puts the name."""

from __future__ import annotations

import ast

import pytest

from waymark_compiler.api import compile_source
from waymark_runtime.sizes import MAX_DISPLAY_ITEMS

COUNT = MAX_DISPLAY_ITEMS + 1
HEADER = "from waymark import Workflow, workflow\n\n@workflow\nclass W(Workflow):\n"
RUN = "    async def run(self) -> int:\n"


def _items(separator: str) -> str:
    return separator.join(f"'é{i}'" for i in range(COUNT))


LINES, TABBED = ",\n", ",\n\t\t"
BODIES = {
    "one line": f"        a = len([{_items(', ')}]); b = 'ü' + cod\n",
    "lines and tabs": f"        a = len([\n{_items(TABBED)}]);\tb =\tcod\n",
    "multi-byte before": f"        é = 'ü'; a = len([\n{_items(LINES)}]); b = 'ä' + cod\n",
    "two on a line": f"        a = ([{_items(', ')}], [{_items(LINES)}]); b = cod\n",
    "later lines": f"        a = len([\n{_items(LINES)}\n        ])\n        b = 'é' + cod\n\n"
    "        c = cod\n",
    "nested": f"        a = len([[{_items(LINES)}], [1,\n 2]]); b = cod\n",
    "dict": "        a = len({"
    + ", ".join(f"'é{i}':\n{i}" for i in range(COUNT))
    + "}); b = cod\n",
    "form feed": f"        a = len([\n{_items(LINES)}]); b = cod\n\f        c = cod\n",
}


def _expected(source: str) -> list[tuple[int, int]]:
    """Where CPython's parser puts each `cod`, as (line, column from 1, in characters)."""
    lines = source.split("\n")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == "cod":
            prefix = lines[node.lineno - 1].encode()[: node.col_offset].decode()
            found.append((node.lineno, len(prefix) + 1))
    return sorted(found)


CASES = [pytest.param(body, "\n", id=name) for name, body in BODIES.items()] + [
    pytest.param(BODIES[name], newline, id=f"{name}-{label}")
    for name in ("later lines", "form feed")
    for newline, label in (("\r\n", "crlf"), ("\r", "cr"))
]


@pytest.mark.parametrize(("body", "newline"), CASES)
def test_diagnostics_after_a_blanked_display_are_exact(body: str, newline: str) -> None:
    source = HEADER + RUN + body + "        return 1\n"
    result = compile_source(source.replace("\n", newline), "w.py", "w")
    unknown = sorted((d.span.line, d.span.column) for d in result.diagnostics if d.code == "WM123")
    assert unknown == _expected(source)
    assert {d.code for d in result.diagnostics} == {"WM123", "WM139"}
