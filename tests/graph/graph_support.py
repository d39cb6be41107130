"""Compiling small workflow sources for the DAG and graph tests."""

from __future__ import annotations

import textwrap

from waymark_compiler.api import compile_source
from waymark_runtime import ir

PRELUDE = """\
import asyncio
from datetime import timedelta

from waymark import RetryPolicy, Workflow, action, workflow


@action
async def fetch(item: int) -> int:
    return item


@action
async def send(item: int) -> None:
    return None


"""


def program(body: str, name: str = "Demo") -> ir.Workflow:
    """The IR of `@workflow class <name>(Workflow)` whose class body is `body`."""
    source = (
        PRELUDE
        + f"@workflow\nclass {name}(Workflow):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )
    result = compile_source(source, path="demo.py", module="demo")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert not errors, errors
    [compiled] = result.workflows
    return compiled.program
