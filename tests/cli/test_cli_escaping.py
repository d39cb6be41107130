"""Stored names and values reach the terminal escaped: a workflow input, an error message or a
workflow name holding `\\x1b[2J`, `\\r` or rich markup prints as text in `waymark run`,
`instances list` and `instances show`, and cannot clear the screen or style the output."""

from __future__ import annotations

import json
from pathlib import Path

from runtime_support import database, instance_of, project, server, waymark

__all__ = ["database", "project", "server"]

HOSTILE_FLOW = """\
from waymark import Workflow, action, workflow


@action
async def shout(text: str) -> str:
    raise ValueError(text)


@workflow
class Hostile(Workflow):
    name = "Hostile\\x1b[31m[bold]"

    async def run(self, text: str) -> str:
        return await shout(text)
"""
TEXT = "\x1b[2J\r[bold]loud[/bold]\x9b\u202e"
SHOWN = "\\x1b[2J\\r[bold]loud[/bold]\\x9b\\u202e"
IN_JSON = "\\u001b[2J\\r[bold]loud[/bold]\\u009b\\u202e"
RAW = ("\x1b[2J", "\x1b[31m", "\r", "\x9b", "\u202e")


def assert_escaped(text: str, *fragments: str) -> None:
    for fragment in fragments:
        assert fragment in text, text
    assert not any(raw in text for raw in RAW), repr(text)


def test_stored_text_prints_escaped(database: str, project: Path) -> None:
    (project / "hostile.py").write_text(HOSTILE_FLOW, encoding="utf-8")
    ran = waymark("run", "hostile.py:Hostile", "--input", json.dumps({"text": TEXT}),
                  database=database, cwd=project)  # fmt: skip
    assert ran.code == 1, ran.err
    assert_escaped(ran.err, f"ValueError: {SHOWN}", "Hostile\\x1b[31m[bold]")
    instance = instance_of(ran.err.splitlines()[0])

    listed = waymark("instances", "list", database=database, cwd=project)
    assert listed.code == 0, listed.err
    assert_escaped(listed.out, instance, "Hostile\\x1b[31m[bold]")

    shown = waymark("instances", "show", instance, database=database, cwd=project)
    assert shown.code == 0, shown.err
    assert_escaped(shown.out, f"ValueError: {SHOWN}", f'shout("{IN_JSON}")', f'"text": "{IN_JSON}"')
