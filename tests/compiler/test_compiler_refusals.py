"""Refusal cases: each file under tests/refusals/ marks its expected errors inline.

A comment `# error: WM104 @17` on a line says a WM104 diagnostic starts on that line at column
17; several are separated by commas. Every error the compiler reports must be expected, and
every expectation must be reported. A sibling `.txt` holds the rendered diagnostics.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from golden_support import ROOT, check_golden, compile_case, rendered

CASES = sorted((ROOT / "tests" / "refusals").glob("*.py"))
EXPECTATION = re.compile(r"#\s*error:\s*(.+)$")
ITEM = re.compile(r"^(WM\d{3})\s*@(\d+)$")


def expectations(text: str) -> set[tuple[int, str, int]]:
    expected: set[tuple[int, str, int]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        found = EXPECTATION.search(line)
        if found is None:
            continue
        for item in found.group(1).split(","):
            parsed = ITEM.match(item.strip())
            assert parsed is not None, f"line {number}: malformed expectation {item!r}"
            expected.add((number, parsed.group(1), int(parsed.group(2))))
    return expected


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_refusal(case: Path) -> None:
    expected = expectations(case.read_text(encoding="utf-8"))
    assert expected, f"{case.name} has no `# error:` expectations"
    result = compile_case(case)
    actual = {
        (d.span.line, d.code, d.span.column) for d in result.diagnostics if d.severity == "error"
    }
    assert actual == expected, rendered(result)


def test_enough_refusal_cases() -> None:
    assert len(CASES) >= 30


RENDERED = sorted(p.with_suffix(".py") for p in (ROOT / "tests" / "refusals").glob("*.txt"))


@pytest.mark.parametrize("case", RENDERED, ids=[c.stem for c in RENDERED])
def test_rendered_diagnostics(case: Path, update_goldens: bool) -> None:
    check_golden(case.with_suffix(".txt"), rendered(compile_case(case)), update_goldens)
