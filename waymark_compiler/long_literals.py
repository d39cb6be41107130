"""The WM100 for a decimal integer literal longer than CPython reads (4,300 digits by default).

CPython's own message says to call `sys.set_int_max_str_digits`, which no code in the module
can do before the module itself is compiled: this one points at the literal and says what
the source can be changed to. Nothing here reads the tree; it works on the text alone.
"""

from __future__ import annotations

import re
import sys

from waymark_compiler.diagnostics import Diagnostic
from waymark_compiler.rules.statements import SYNTAX_ERROR
from waymark_runtime.ir import Span

_TOO_LONG = "exceeds the limit"
_DECIMAL = re.compile(r"(?<![\w.])[1-9](?:_?[0-9])*(?![\w.])")

HELP = (
    "write it in hexadecimal (`0x...`), which Python reads at any length; "
    "a module cannot raise the limit for its own literals"
)


def too_long(path: str, text: str, error: SyntaxError) -> Diagnostic | None:
    """The WM100 for CPython's refusal of an over-long decimal literal, pointing at the first
    such literal on the reported line; None for any other syntax error."""
    if not (error.msg or "").lower().startswith(_TOO_LONG):
        return None
    limit = sys.get_int_max_str_digits()
    line = error.lineno or 1
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    for found in _DECIMAL.finditer(source):
        digits = len(found.group().replace("_", ""))
        if digits > limit:
            span = Span(line, found.start() + 1, line, found.end() + 1)
            return _refusal(path, span, digits, limit)
    return _refusal(path, Span(line, 1, line, 2), None, limit)


def _refusal(path: str, span: Span, digits: int | None, limit: int) -> Diagnostic:
    size = f" of {digits:,} digits" if digits is not None else ""
    message = f"syntax error: integer literal{size} is longer than Python reads ({limit:,} digits)"
    return Diagnostic(SYNTAX_ERROR.code, "error", message, path, span, "too long", HELP)
