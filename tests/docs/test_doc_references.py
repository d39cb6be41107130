"""The names the docs use are the names the code has, both ways: diagnostic codes, CLI commands
and options, `WAYMARK_*` environment variables. (That every rule is documented is
tests/compiler/test_compiler_diagnostics.py's table test; here, every code the docs name.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from doc_blocks import DOCS, ROOT, blocks

from waymark_compiler.cli import build_app
from waymark_compiler.diagnostics import RULES
from waymark_compiler.rules import RETIRED
from waymark_runtime import config

CLI_DOC = ROOT / "docs" / "cli.md"
SETTINGS_DOCS = (ROOT / "docs" / "operations.md", CLI_DOC)

# Named by the docs without being settings: a misspelling the warning example shows, and a
# read-replica DSN that docs/scaling.md proposes and says is not implemented.
NOT_SETTINGS = {"WAYMARK_LOCK_TTL", "WAYMARK_READ_DATABASE_URL"}

_VARIABLE = re.compile(r"\bWAYMARK_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*\*)")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_diagnostic_code_the_docs_name_exists() -> None:
    for path in DOCS:
        for number, line in enumerate(_text(path).splitlines(), 1):
            for code in re.findall(r"\bWM\d{3}\b", line):
                assert code in RULES, f"{path.name}:{number}: no rule {code}"
                retired_row = line.startswith(f"| {code} |")  # the rules table lists them
                assert code not in RETIRED or retired_row, f"{path.name}:{number}: {code} retired"


# --- CLI ---------------------------------------------------------------------------------


def _commands() -> Iterator[tuple[tuple[str, ...], Any]]:
    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if not sub.hidden:
                yield from walk(sub, (*path, name))

    return walk(typer.main.get_command(build_app()), ())


COMMANDS = dict(_commands())


def _options(command: Any) -> set[str]:
    return {
        opt
        for param in command.params
        if param.param_type_name == "option"
        for opt in (*param.opts, *param.secondary_opts)
    }


def _section(top: str) -> str:
    """The parts of docs/cli.md about `waymark <top>`: from each of its `## ` headings on."""
    heading = rf"^## `waymark {re.escape(top)}\b.*?(?=^## |\Z)"
    parts = [m.group(0) for m in re.finditer(heading, _text(CLI_DOC), re.M | re.S)]
    assert parts, f"docs/cli.md has no `## `waymark {top}`` section"
    return "".join(parts)


@pytest.mark.parametrize("top", [path[0] for path in COMMANDS if len(path) == 1])
def test_every_command_and_option_is_in_the_cli_reference(top: str) -> None:
    section = _section(top)
    for path, command in COMMANDS.items():
        if path[:1] != (top,):
            continue
        if len(path) > 1:
            assert re.search(rf"waymark {' '.join(path)}\b", section), f"{path} undocumented"
        for option in _options(command):
            assert re.search(rf"`{option}\b|\[{option}\b| {option}\b", section), (
                f"`waymark {' '.join(path)} {option}` is not in docs/cli.md"
            )


def _command_lines() -> Iterator[tuple[str, str]]:
    """(where, line) for each command line shown: synopses, `$ waymark ...` sessions and
    inline `waymark ...` code spans."""
    for block in blocks():
        if block.lang not in ("", "console", "bash", "sh"):
            continue
        for number, line in enumerate(block.text.splitlines(), block.line + 1):
            text = line.removeprefix("$ ")
            if text.startswith("waymark "):
                yield f"{block.where.split(':')[0]}:{number}", text.split("  #")[0]
    for path in DOCS:
        for number, line in enumerate(_text(path).splitlines(), 1):
            for span in re.findall(r"`(waymark [^`]+)`", line):
                yield f"{path.name}:{number}", span.replace("\\|", "|")


def _resolve(words: list[str]) -> tuple[tuple[str, ...], list[str]]:
    path: tuple[str, ...] = ()
    while words and (*path, words[0]) in COMMANDS:
        path = (*path, words.pop(0))
    return path, words


def test_every_command_line_the_docs_show_exists() -> None:
    global_options = _options(COMMANDS[()]) | {"-h", "--help"}
    lines = list(_command_lines())
    assert len(lines) > 20
    for where, line in lines:
        words = line.split()[1:]
        if words and words[0].startswith("["):  # the synopsis of `waymark` itself
            continue
        while words and words[0] in global_options:
            words = words[2:] if words[0] == "--color" else words[1:]
        path, rest = _resolve(words)
        assert path, f"{where}: no command in `{line}`"
        if words and "|" in words[0]:  # `waymark db status | url | stop | shell`-style lists
            continue
        group = getattr(COMMANDS[path], "commands", None)
        assert not (group and rest and not rest[0].startswith(("-", "["))), (
            f"{where}: `waymark {' '.join(path)}` has no command {rest[0]}"
        )
        known = _options(COMMANDS[path]) | global_options
        for flag in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", " ".join(rest)):
            assert flag in known, f"{where}: `waymark {' '.join(path)}` has no {flag}"


# --- environment ---------------------------------------------------------------------------


def _code_variables() -> set[str]:
    found: set[str] = set()
    for package in ("waymark", "waymark_compiler", "waymark_runtime"):
        for path in (ROOT / package).rglob("*.py"):
            found |= set(_VARIABLE.findall(_text(path)))
    return found


def _documented(name: str, text: str) -> bool:
    """Named in full; a variable that is not a setting may be named by a `PREFIX_*` pattern."""
    if re.search(rf"\b{name}\b", text):
        return True
    return name not in config.variable_names() and any(
        name.startswith(prefix) for prefix in re.findall(r"(WAYMARK_[A-Z0-9_]*)\*", text)
    )


def test_every_variable_the_code_reads_is_documented() -> None:
    text = "".join(_text(path) for path in SETTINGS_DOCS)
    names = _code_variables()
    assert set(config.variable_names()) <= names
    missing = sorted(name for name in names if not _documented(name, text))
    assert not missing, f"not in docs/operations.md or docs/cli.md: {missing}"


def test_every_variable_the_docs_name_is_read_by_the_code() -> None:
    code = _code_variables()
    for path in DOCS:
        for name in set(_VARIABLE.findall(_text(path))) - NOT_SETTINGS:
            assert name in code, f"{path.name} names {name}, which nothing reads"
