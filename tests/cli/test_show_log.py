"""`waymark instances show` prints the instance's workflow log (`self.log` lines), text and
JSON, with stored text that cannot drive the terminal or read as markup."""

from __future__ import annotations

import json
from pathlib import Path

from runtime_support import assert_plain, database, instance_of, project, server, waymark

__all__ = ["database", "project", "server"]

HOSTILE = "[bold]loud[/bold] \x1b[2J\nforged"
NOTED = """\
from flows import step
from waymark import Workflow, workflow


@workflow
class Noted(Workflow):
    async def run(self, record: str, note: str) -> str:
        self.log.info("noting %s", note)
        done = await step(record, "noted")
        self.log.warning(f"noted: {done}")
        return done
"""


def _line_of(fragment: str) -> int:
    return next(n for n, line in enumerate(NOTED.splitlines(), 1) if fragment in line)


def test_show_prints_the_workflow_log(database: str, project: Path) -> None:
    (project / "noted.py").write_text(NOTED, encoding="utf-8")
    inputs = {"record": str(project / "record.txt"), "note": HOSTILE}
    result = waymark("run", "noted.py:Noted", "--input", json.dumps(inputs), database=database,
                     cwd=project)  # fmt: skip
    assert result.code == 0, result.err
    instance = instance_of(result.err.splitlines()[0])
    first, second = _line_of('self.log.info("noting'), _line_of('self.log.warning(f"noted')

    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    assert shown.code == 0, shown.err
    logs = shown.json()["logs"]
    assert [(x["seq"], x["level"], x["message"], x["function"], x["line"]) for x in logs] == [
        (0, "info", f"noting {HOSTILE}", "run", first),
        (1, "warning", "noted: NOTED", "run", second),
    ]
    assert all(x["created_at"] for x in logs)

    text = waymark("instances", "show", instance, database=database, cwd=project)
    assert text.code == 0, text.err
    assert_plain(text.out)
    lines = text.out.splitlines()
    start = lines.index("log:")
    assert lines[start + 1].split() == ["TIME", "(UTC)", "LEVEL", "LINE", "MESSAGE"]
    assert lines[start + 2].split()[2:] == [
        "INFO", f"run:{first}", "noting", "[bold]loud[/bold]", "\\x1b[2J\\nforged",
    ]  # fmt: skip
    assert lines[start + 3].split()[2:] == ["WARNING", f"run:{second}", "noted:", "NOTED"]


def test_show_of_an_instance_without_log_lines_has_no_log_section(
    database: str, project: Path
) -> None:
    inputs = {"record": str(project / "record.txt")}
    result = waymark("run", "flows.py:Steps", "--input", json.dumps(inputs), database=database,
                     cwd=project)  # fmt: skip
    instance = instance_of(result.err.splitlines()[0])
    text = waymark("instances", "show", instance, database=database, cwd=project)
    assert text.code == 0 and "log:" not in text.out.splitlines()
    shown = waymark("instances", "show", instance, "--format", "json", database=database,
                    cwd=project)  # fmt: skip
    assert shown.json()["logs"] == []
