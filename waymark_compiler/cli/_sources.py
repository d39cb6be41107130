"""Reading one Python file for `waymark compile`, turning unreadable input into diagnostics.

The compiler sees only text; bytes that are not valid source (binary files, other encodings)
become a WM100 diagnostic pointing at the first bad byte, as CPython itself would refuse them.
"""

from __future__ import annotations

from pathlib import Path

from waymark_compiler import api
from waymark_compiler.api import ModuleResult
from waymark_compiler.cli._output import CliError
from waymark_compiler.diagnostics import Diagnostic
from waymark_runtime.ir import Span


def compile_file(path: Path) -> ModuleResult:
    try:
        return api.compile_path(path)
    except UnicodeDecodeError as failure:
        return _undecodable(path, failure)
    except OSError as failure:
        raise CliError(f"cannot read {path}: {failure.strerror or failure}") from failure


def _undecodable(path: Path, failure: UnicodeDecodeError) -> ModuleResult:
    data = failure.object if isinstance(failure.object, bytes) else b""
    line = data.count(b"\n", 0, failure.start) + 1
    column = failure.start - (data.rfind(b"\n", 0, failure.start) + 1) + 1
    byte = data[failure.start : failure.start + 1].hex() or "??"
    diagnostic = Diagnostic(
        code="WM100",
        severity="error",
        message=f"syntax error: not valid UTF-8 source (byte 0x{byte})",
        path=str(path),
        span=Span(line, column, line, column + 1),
        label="",
        help="save the file as UTF-8 (or declare its encoding with a `# -*- coding: ... -*-` line)",
    )
    return ModuleResult(workflows=[], diagnostics=[diagnostic], source="", path=str(path))
