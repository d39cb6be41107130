"""Golden-file comparison for the compiler tests: a unified diff on mismatch, rewrite on update."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from waymark_compiler.api import ModuleResult, compile_source
from waymark_compiler.diagnostics import render

ROOT = Path(__file__).resolve().parents[2]


def compile_case(path: Path) -> ModuleResult:
    """Compile a case file under a stable display path and module name (its file stem)."""
    display = path.relative_to(ROOT).as_posix()
    return compile_source(path.read_text(encoding="utf-8"), display, module=path.stem)


def program_text(result: ModuleResult) -> str:
    """Every workflow's `.wrl` text, in source order."""
    return "".join(workflow.wrl for workflow in result.workflows)


def rendered(result: ModuleResult) -> str:
    return render(result.diagnostics, {result.path: result.source}) + "\n"


def check_golden(expected_path: Path, actual: str, update: bool) -> None:
    """Compare `actual` with the golden file; with `--update-goldens`, rewrite it instead."""
    if update:
        expected_path.write_text(actual, encoding="utf-8")
        return
    if not expected_path.exists():
        pytest.fail(f"missing golden {expected_path.name}; run pytest --update-goldens")
    expected = expected_path.read_text(encoding="utf-8")
    if expected != actual:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{expected_path.name} (expected)",
            tofile=f"{expected_path.name} (actual)",
        )
        pytest.fail("golden mismatch (run pytest --update-goldens to accept):\n" + "".join(diff))


_EXPECTATION = re.compile(r"#\s*error:\s*(.+)$")
_ITEM = re.compile(r"^(WM\d{3})\s*@(\d+)$")


def expectations(text: str) -> set[tuple[int, str, int]]:
    """Inline expectations: `# error: WM104 @17, WM105 @9` means those codes start on this line
    at those columns."""
    expected: set[tuple[int, str, int]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        found = _EXPECTATION.search(line)
        if found is None:
            continue
        for item in found.group(1).split(","):
            parsed = _ITEM.match(item.strip())
            assert parsed is not None, f"line {number}: malformed expectation {item!r}"
            expected.add((number, parsed.group(1), int(parsed.group(2))))
    return expected


def reported(result: ModuleResult) -> set[tuple[int, str, int]]:
    return {
        (d.span.line, d.code, d.span.column) for d in result.diagnostics if d.severity == "error"
    }


def walk(node: object) -> Iterator[object]:
    """Every IR node under `node` (itself included), depth first."""
    yield node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield from walk(getattr(node, field.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from walk(item)
