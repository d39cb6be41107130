"""`waymark compile` on input nested too deeply reports WM148 and exits 1, not an internal
error."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import Waymark, assert_no_traceback

EXPRESSIONS = {
    "sum_900": " + ".join(["x"] * 900),
    "attributes_245": "x" + ".real" * 245,
    "sum_4000": " + ".join(["x"] * 4000),
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_deep_input_is_a_diagnostic(waymark: Waymark, workdir: Path, name: str) -> None:
    (workdir / f"{name}.py").write_text(
        "from waymark import Workflow, workflow\n\n\n@workflow\nclass Deep(Workflow):\n"
        f"    async def run(self, x: int) -> int:\n        return {EXPRESSIONS[name]}\n"
    )
    result = waymark("compile", f"{name}.py")
    assert result.code == 1, result.err
    heading = "WM148 expression nested too deeply (more than 100 levels)"
    assert f"{heading}\n --> {name}.py:7:" in result.err
    assert "internal error" not in result.err
    assert_no_traceback(result)
