"""Terminal output for the `waymark` CLI: exit statuses, the error types commands raise, and
where text goes (data on stdout, diagnostics and status on stderr, uv style).

It owns colour decisions (`--color`, NO_COLOR, a terminal check) so no command decides alone,
and `printable`, which every stored string passes through before it reaches a terminal. It must
not know about any command.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import Literal, TextIO

EXIT_OK = 0
EXIT_FAILURE = 1  # error diagnostics, drift, malformed input files
EXIT_USAGE = 2  # bad options, missing paths, unknown names
EXIT_INTERNAL = 70  # a bug of ours (EX_SOFTWARE)

ColorChoice = Literal["auto", "always", "never"]

# C0 and C1 controls, DEL, and the bidirectional marks and overrides that reorder a line.
_CONTROLS = (
    "\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff"
)
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_BUT_NEWLINE = re.compile(f"(?!\\n)[{_CONTROLS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class CliError(Exception):
    """A failure reported to the user as `error: <message>` plus optional `hint:` lines."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *hints: str) -> None:
        super().__init__(message)
        self.message = message
        self.hints = hints


class UsageFailure(CliError):
    """The command line itself is wrong: a missing path, an unknown code or workflow name."""

    exit_code = EXIT_USAGE


@dataclass(slots=True)
class Settings:
    """Options of the root command shared by every subcommand."""

    color: ColorChoice = "auto"


SETTINGS = Settings()


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org)."""
    if SETTINGS.color != "auto":
        return SETTINGS.color == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def printable(text: str, *, lines: bool = False) -> str:
    """`text` with its control characters as escapes (`\\x1b`, `\\r`; newlines too unless
    `lines`): a stored string cannot move the cursor, clear the screen or reorder a line."""
    return (_CONTROL_BUT_NEWLINE if lines else _CONTROL).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _paint(text: str, code: str, stream: TextIO) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if use_color(stream) else text


def out(text: str = "", end: str = "\n") -> None:
    """Data: .wrl text, JSON, DOT, diffs."""
    sys.stdout.write(text + end)


def err(text: str = "", end: str = "\n") -> None:
    """Diagnostics and status lines."""
    sys.stderr.write(text + end)


def error(message: str, *hints: str) -> None:
    """An error and its hints; messages quote stored names and values, so they are printable."""
    _labelled("error", "1;31", message, hints)


def interrupted(message: str, *hints: str) -> None:
    """How a command stopped by Ctrl-C ends (not an error): what was kept, how to go on."""
    _labelled("interrupted", "1;33", message, hints)


def _labelled(label: str, style: str, message: str, hints: tuple[str, ...]) -> None:
    err(f"{_paint(label, style, sys.stderr)}: {printable(message, lines=True)}")
    for hint in hints:
        err(f"{_paint('hint', '1;36', sys.stderr)}: {printable(hint, lines=True)}")


def warning(message: str, *hints: str) -> None:
    err(f"{_paint('warning', '1;33', sys.stderr)}: {printable(message, lines=True)}")
    for hint in hints:
        err(f"{_paint('hint', '1;36', sys.stderr)}: {printable(hint, lines=True)}")


def status(message: str) -> None:
    """A summary line (`compiled 4 workflows in 2 files`)."""
    err(_paint(message, "1", sys.stderr))


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
