"""The fenced code blocks of README.md and docs/*.md, with the marker comment before each.

A block may be preceded (blank lines apart) by one HTML comment saying what it is:
`<!-- fragment -->` (part of a larger program: not compiled on its own) or
`<!-- refused: WM139 WM102 -->` (the text around it says the compiler refuses it, with these
codes). Any other comment there is an error, so a marker cannot be misspelt into silence.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$", re.S | re.M)
_MARKER = re.compile(r"<!--\s*(?P<kind>fragment|refused:(?P<codes>(?:\s*WM\d{3})+))\s*-->")


@dataclass(frozen=True, slots=True)
class Block:
    path: Path
    line: int  # of the opening fence
    lang: str
    text: str
    marker: str | None  # "fragment", "refused" or None
    codes: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(lang: str | None = None) -> list[Block]:
    return [block for path in DOCS for block in blocks_of(path) if lang in (None, block.lang)]


def blocks_of(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1].strip()
        marker, codes = _marker(before, path)
        found.append(
            Block(
                path=path,
                line=text.count("\n", 0, match.start()) + 1,
                lang=match["lang"],
                text=match["body"],
                marker=marker,
                codes=codes,
            )
        )
    return found


def _marker(line: str, path: Path) -> tuple[str | None, tuple[str, ...]]:
    if not line.startswith("<!--") or line.startswith("<!-- rules:"):
        return None, ()
    match = _MARKER.fullmatch(line)
    if match is None:
        raise ValueError(f"{path.name}: unknown marker before a code block: {line}")
    if match["codes"] is None:
        return "fragment", ()
    return "refused", tuple(match["codes"].split())


def defines_workflow(block: Block) -> bool:
    return block.lang == "python" and block.marker != "fragment" and "@workflow" in block.text


def module_part(source: str) -> str:
    """The block's module: its imports, definitions and await-free assignments. The rest is
    client code (`await X().run(...)`, `assert ...`), which docs write as in `python -m asyncio`
    and which is blanked, lines kept, so positions stay the block's own."""
    flags = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = compile(source, "<doc>", "exec", flags)
    lines = source.splitlines(keepends=True)
    for statement in tree.body:
        if not _module_level(statement):
            end = statement.end_lineno or statement.lineno
            lines[statement.lineno - 1 : end] = ["\n"] * (end - statement.lineno + 1)
    return "".join(lines)


_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _module_level(statement: ast.stmt) -> bool:
    if isinstance(statement, _DEFINITIONS):
        return True
    return isinstance(statement, ast.Assign | ast.AnnAssign) and not any(
        isinstance(node, ast.Await) for node in ast.walk(statement)
    )


def free_names(source: str) -> set[str]:
    """Names the module reads at any depth but never binds (imports, defs, assignments, loop
    and comprehension targets, parameters), builtins aside."""
    tree = ast.parse(source)
    bound: set[str] = set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read - bound - set(dir(builtins))
