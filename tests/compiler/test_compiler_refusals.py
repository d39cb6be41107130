"""Refusal cases: each file under tests/refusals/ marks its expected errors inline.

A comment `# error: WM104 @17` on a line says a WM104 diagnostic starts on that line at column
17; several are separated by commas. Every error the compiler reports must be expected, and
every expectation must be reported. A sibling `.txt` holds the rendered diagnostics.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_support import (
    ROOT,
    check_golden,
    compile_case,
    expectations,
    rendered,
    reported,
)

CASES = sorted((ROOT / "tests" / "refusals").glob("*.py"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_refusal(case: Path) -> None:
    expected = expectations(case.read_text(encoding="utf-8"))
    assert expected, f"{case.name} has no `# error:` expectations"
    result = compile_case(case)
    assert reported(result) == expected, rendered(result)


def test_enough_refusal_cases() -> None:
    assert len(CASES) >= 30


RENDERED = sorted(p.with_suffix(".py") for p in (ROOT / "tests" / "refusals").glob("*.txt"))


@pytest.mark.parametrize("case", RENDERED, ids=[c.stem for c in RENDERED])
def test_rendered_diagnostics(case: Path, update_goldens: bool) -> None:
    check_golden(case.with_suffix(".txt"), rendered(compile_case(case)), update_goldens)
