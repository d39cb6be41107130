"""Golden tests: each workflow source compiles to exactly its sibling `.wrl` text.

`tests/golden/<case>.py` ↔ `<case>.wrl`, one construct family per file, and every example in
`examples/` ↔ its `.wrl`. `pytest --update-goldens` rewrites the `.wrl` files; review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_support import ROOT, check_golden, compile_case, program_text, rendered

from waymark_runtime.wrl import parse

GOLDEN = sorted((ROOT / "tests" / "golden").glob("*.py"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
CASES = GOLDEN + EXAMPLES


@pytest.mark.parametrize("case", CASES, ids=[c.relative_to(ROOT).as_posix() for c in CASES])
def test_golden(case: Path, update_goldens: bool) -> None:
    result = compile_case(case)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert not errors, rendered(result)
    assert result.workflows, f"{case.name} defines no @workflow class"
    check_golden(case.with_suffix(".wrl"), program_text(result), update_goldens)


@pytest.mark.parametrize("case", CASES, ids=[c.relative_to(ROOT).as_posix() for c in CASES])
def test_round_trip(case: Path) -> None:
    """The compiled `.wrl` text reads back as the very program the compiler built."""
    for workflow in compile_case(case).workflows:
        assert parse(workflow.wrl) == workflow.program, f"{workflow.name} does not round-trip"


def test_enough_golden_cases() -> None:
    assert len(GOLDEN) >= 40
