"""Moving a workflow in its file (comments, blank lines, other code above it) keeps its version
and behaviour text; the locations it carries still name the lines of the current source."""

from __future__ import annotations

import pytest

from waymark_compiler.api import CompiledWorkflow, compile_source
from waymark_runtime.wrl import behaviour_text, parse

SOURCE = """\
from waymark import Workflow, action, workflow


@action
async def double(x: int) -> int:
    return 2 * x


@workflow
class Doubling(Workflow):
    async def run(self, x: int) -> int:
        y = await double(x)
        if y > 10:
            raise ValueError("too big")
        return y
"""

ABOVE = {
    "a comment": "# a comment\n",
    "blank lines": "\n\n\n",
    "another function": "def helper(n: int) -> int:\n    return n + 1\n\n\n",
}


def compiled(source: str) -> CompiledWorkflow:
    result = compile_source(source, "flows.py", "flows")
    assert not result.diagnostics, result.diagnostics
    [workflow] = result.workflows
    return workflow


def raise_line(source: str) -> int:
    return source.splitlines().index('            raise ValueError("too big")') + 1


@pytest.mark.parametrize("prefix", ABOVE.values(), ids=ABOVE.keys())
def test_code_above_a_workflow_keeps_its_version(prefix: str) -> None:
    before, after = compiled(SOURCE), compiled(prefix + SOURCE)
    assert after.version == before.version
    assert behaviour_text(after.wrl) == behaviour_text(before.wrl)
    changed = [
        (old, new)
        for old, new in zip(before.wrl.splitlines(), after.wrl.splitlines(), strict=True)
        if old != new
    ]
    assert len(changed) == 1 and changed[0][0].startswith("workflow Doubling @")
    moved_by = prefix.count("\n")
    assert after.line == before.line + moved_by
    for workflow, source in ((before, SOURCE), (after, prefix + SOURCE)):
        branch = parse(workflow.wrl).run.body[1]
        assert branch.body[0].span is not None  # type: ignore[attr-defined]
        assert branch.body[0].span.line == raise_line(source)  # type: ignore[attr-defined]


def test_a_change_of_behaviour_changes_the_version() -> None:
    before = compiled(SOURCE)
    after = compiled(SOURCE.replace("y > 10", "y > 11"))
    assert after.version != before.version
    assert behaviour_text(after.wrl) != behaviour_text(before.wrl)
