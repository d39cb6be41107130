"""Every help screen uses the usual notation: `FILES...`, `ID`, `[PATH]` in usage lines, a
value's name beside an option (`JSON`, `INTEGER`, `text|json`), nothing beside flags, and no
Python types (`<list[Path]>`, `<bool>`, `<str>`) or braces (`{ID}`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from waymark_compiler.cli import build_app, run

PYTHON_TYPES = re.compile(r"<(bool|str|int|float|path|list\[[^\]]*\]|[a-z]+ range)>|\{[A-Z_]+\}")


def command_paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*prefix, name))


COMMANDS = list(command_paths(typer.main.get_command(build_app())))


def help_of(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> str:
    assert run(build_app(), [*path, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "waymark")
def test_no_help_screen_shows_python_types(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    shown = help_of(path, capsys)
    assert "Usage: waymark" in shown
    assert PYTHON_TYPES.search(shown) is None, shown


@pytest.mark.parametrize(
    ("path", "usage", "rows"),
    [
        (("fmt",), "Usage: waymark fmt [OPTIONS] FILES...", [r"--check\s+Change nothing"]),
        (("instances", "show"), "Usage: waymark instances show [OPTIONS] ID", [r"\*\s+ID\s"]),
        (("graph",), "Usage: waymark graph [OPTIONS] [PATH]", [r"--format\s+-f\s+dot\|svg\|png"]),
        (("instances", "list"), "[OPTIONS]", [r"--limit\s+-n\s+INTEGER", r"--help\s+-h\s+Show"]),
        (("run",), "[FILE[:WORKFLOW]]", [r"--input\s+-i\s+JSON", r"--quiet\s+-q\s+No progress"]),
    ],
)
def test_usage_lines_and_value_names(
    path: tuple[str, ...],
    usage: str,
    rows: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    shown = help_of(path, capsys)
    assert usage in shown
    for row in rows:
        assert re.search(row, shown), shown
