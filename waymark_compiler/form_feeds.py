"""Form feeds in indentation, read as CPython reads them.

CPython's tokenizer resets its count of a line's indentation at each form feed before the first
token (`\\f    x = 1` is indented by four spaces); libcst refuses some of these lines. Before libcst
reads a module, each such line loses its whitespace up to the last form feed, and `Source.span`
adds the characters removed back to the columns of that line, so positions stay the user's.
"""

from __future__ import annotations

import io
import re
import tokenize

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_LEADING = re.compile(r"[ \t\f]*")
_STRING_PIECES = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def level_form_feeds(text: str) -> tuple[str, dict[int, int]]:
    """`text` without the whitespace up to the last form feed of each line's indentation, and
    how many characters each changed line lost (by line number, from 1). Lines inside a string
    keep theirs: it is part of the string."""
    if "\f" not in text:
        return text, {}
    inside = _string_lines(text)
    pieces: list[str] = []
    shifts: dict[int, int] = {}
    for number, line in enumerate(_LINES.findall(text), start=1):
        leading = _LEADING.match(line)
        cut = leading.group().rfind("\f") + 1 if leading is not None else 0
        if cut and number not in inside:
            line = line[cut:]
            shifts[number] = cut
        pieces.append(line)
    return "".join(pieces), shifts


def _string_lines(text: str) -> set[int]:
    """The lines that continue a string started on an earlier line."""
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
        if token.type in _STRING_PIECES and token.end[0] > token.start[0]:
            lines.update(range(token.start[0] + 1, token.end[0] + 1))
    return lines
