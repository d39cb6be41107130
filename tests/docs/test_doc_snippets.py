"""The Python the docs show is Python Waymark accepts: every ```python block of README.md and
docs/*.md that defines a `@workflow` compiles with the real compiler, or, when marked
`<!-- refused: WMxxx -->`, is refused with exactly those codes.

A block that names actions and types it does not define (a short example in the middle of a
page) is compiled after `PRELUDE` and the `STUBS` of the names it reads: stand-ins with the
shape the surrounding text gives them. A block that imports from `waymark` is a complete module
and gets nothing added. A name neither defined nor stubbed fails the test, naming the block.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_blocks import Block, blocks, blocks_of, defines_workflow, free_names, module_part

from waymark_compiler.api import compile_source
from waymark_compiler.diagnostics import render

PRELUDE = """\
import asyncio
from datetime import timedelta

from pydantic import BaseModel

from waymark import (
    BackoffPolicy, Concurrency, RateLimit, RetryPolicy, SignalTimeout, Workflow, action, workflow,
)
"""

_ACTION = "@action\nasync def {name}(*args: object, **kwargs: object) -> object:\n    return None\n"
_MODEL = "class {name}(BaseModel):\n{fields}"

STUBS: dict[str, str] = {
    **{
        name: _ACTION.format(name=name)
        for name in (
            "search", "fetch", "plan", "extract", "transform", "load", "is_valid", "is_new",
            "notify_approver", "escalate", "pay", "reject", "charge", "fetch_rows", "notify",
            "call_partner_api", "send_sms", "reindex_shard", "rebuild_index",
        )
    },
    "Claim": _MODEL.format(name="Claim", fields="    amount: int = 0\n"),
    "Decision": _MODEL.format(name="Decision", fields="    approved: bool\n"),
    "Order": _MODEL.format(name="Order", fields="    id: str\n    amount: float\n"),
    "Receipt": _MODEL.format(name="Receipt", fields="    reference: str\n"),
    "Report": _MODEL.format(name="Report", fields="    total: int\n"),
    "Row": _MODEL.format(name="Row", fields="    amount: int\n"),
    "User": _MODEL.format(name="User", fields="    id: str\n"),
}  # fmt: skip

WORKFLOW_BLOCKS = [block for block in blocks("python") if defines_workflow(block)]


def module_of(block: Block) -> str:
    """The source compiled for `block`: the block itself, or prelude + stubs + block."""
    source = module_part(block.text)
    if "from waymark import" in source:
        return source
    missing = free_names(PRELUDE + source) - STUBS.keys()
    assert not missing, f"{block.where} reads {sorted(missing)}: define them or add stubs"
    stubs = [STUBS[name] for name in sorted(free_names(source) & STUBS.keys())]
    return "\n\n".join([PRELUDE, *stubs, source])


def test_the_docs_hold_workflow_blocks() -> None:
    # the blocks the docs are known to hold: a parser that found none would pass vacuously
    assert len(WORKFLOW_BLOCKS) >= 10
    assert {block.path.name for block in WORKFLOW_BLOCKS} >= {"README.md", "language.md"}


def test_markers_are_read_and_a_misspelt_one_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    body = "@workflow\nclass W(Workflow):\n    async def run(self) -> int:\n        return ...\n"
    page.write_text(f"<!-- refused: WM139 -->\n\n```python\n{body}```\n", encoding="utf-8")
    [block] = blocks_of(page)
    assert (block.marker, block.codes, block.line) == ("refused", ("WM139",), 3)
    result = compile_source(module_of(block), "page.md", module="page")
    assert [d.code for d in result.diagnostics] == ["WM139"]
    page.write_text("<!-- fragmnet -->\n```python\nx = 1\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown marker"):
        blocks_of(page)


@pytest.mark.parametrize("block", WORKFLOW_BLOCKS, ids=lambda block: block.where)
def test_workflow_block_compiles_or_is_refused_as_documented(block: Block) -> None:
    source = module_of(block)
    result = compile_source(source, block.where, module="doc_snippet")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    shown = render(result.diagnostics, {block.where: source})
    if block.marker == "refused":
        assert sorted({d.code for d in errors}) == sorted(block.codes), shown
        return
    assert not result.diagnostics, shown
    declared = source.count("@workflow")
    assert len(result.workflows) == declared, f"{block.where}: {declared} declared\n{shown}"
