"""Reading one Python file for `waymark compile`, turning unreadable input into diagnostics.

The compiler sees only text; bytes that are not valid source (binary files, other encodings)
become a WM100 diagnostic pointing at the first bad byte, as CPython itself would refuse them.
A path that cannot be read at all (a named pipe, a device, a dangling symlink, no permission)
is an `Unread`: the command reports it as an error naming the file and goes on with the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.files import describe
from waymark_compiler.rules.statements import SYNTAX_ERROR
from waymark_runtime.ir import Span

if TYPE_CHECKING:
    from waymark_compiler.api import ModuleResult


@dataclass(frozen=True, slots=True)
class Unread:
    """A file that could not be read, and why (`cannot read src/x.py: permission denied`)."""

    path: Path
    message: str


def compile_file(path: Path) -> ModuleResult | Unread:
    # Imported here: the compiler and the .wrl parser are slow to load, and `--help`,
    # `--explain` and usage errors should not wait for them.
    from waymark_compiler import api

    if path.suffix == ".wrl":
        return Unread(path, f"{path} is a .wrl program, not Python: `waymark compile` reads the "
                      f"Python source of workflows (`waymark graph {path}` draws a .wrl)")  # fmt: skip
    try:
        return api.compile_path(path)
    except UnicodeDecodeError as failure:
        return _undecodable(path, failure)
    except SyntaxError as failure:  # a bad `# -*- coding: ... -*-` line, found while decoding
        return _refused(
            path,
            f"syntax error: {failure.msg}",
            Span(failure.lineno or 1, 1, failure.lineno or 1, 2),
            None,
        )
    except OSError as failure:
        return Unread(path, f"cannot read {path}: {describe(failure)}")


def _undecodable(path: Path, failure: UnicodeDecodeError) -> ModuleResult:
    data = failure.object if isinstance(failure.object, bytes) else b""
    line = data.count(b"\n", 0, failure.start) + 1
    column = failure.start - (data.rfind(b"\n", 0, failure.start) + 1) + 1
    byte = data[failure.start : failure.start + 1].hex() or "??"
    message = f"syntax error: not valid UTF-8 source (byte 0x{byte})"
    advice = "save the file as UTF-8 (or declare its encoding with a `# -*- coding: ... -*-` line)"
    return _refused(path, message, Span(line, column, line, column + 1), advice)


def _refused(path: Path, message: str, span: Span, advice: str | None) -> ModuleResult:
    from waymark_compiler.api import ModuleResult

    diagnostic = Diagnostic(SYNTAX_ERROR.code, "error", message, str(path), span, "", advice)
    return ModuleResult(workflows=[], diagnostics=[diagnostic], source="", path=str(path))
