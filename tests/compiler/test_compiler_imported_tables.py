"""Tables and `functools.partial` constants of another module of the user's code: read as
constants when no compiled module changes them, refused (WM142) when one does."""

from __future__ import annotations

import pytest
from golden_support import ROOT, rendered

from waymark_compiler.api import compile_source

_WORKFLOW = (
    "@workflow\n"
    "class Render(Workflow):\n"
    "    async def run(self, rows: list[str]) -> list[object]:\n"
    "        return [FORMATS['csv'](rows), await ACTIONS['scale'](2), TRIPLE]\n"
)
_IMPORTS = (
    "from tests.parity.cases import shared_tables\n"
    "from tests.parity.cases.shared_tables import ACTIONS, FORMATS, TRIPLE\n"
    "from waymark import Workflow, workflow\n\n"
)


def _codes(changes: str) -> list[str]:
    source = _IMPORTS + changes + _WORKFLOW
    result = compile_source(source, str(ROOT / "render.py"), module="render")
    return [d.code for d in result.diagnostics if d.severity == "error"]


def test_an_imported_table_and_partial_are_constants() -> None:
    source = _IMPORTS + _WORKFLOW
    result = compile_source(source, str(ROOT / "render.py"), module="render")
    assert not result.diagnostics, rendered(result)
    text = result.workflows[0].wrl
    assert "action tests.parity.cases.shared_tables:scale" in text
    assert "`functools.partial`(action tests.parity.cases.shared_tables:scale, factor=3)" in text


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ("def fill() -> None:\n    FORMATS['x'] = 1\n\n", ["WM142"]),
        ("def fill() -> None:\n    shared_tables.ACTIONS.clear()\n\n", ["WM142", "WM142"]),
    ],
    ids=["by name", "through the module"],
)
def test_an_imported_table_the_compiled_module_changes_is_refused(
    changes: str, codes: list[str]
) -> None:
    assert _codes(changes) == codes
