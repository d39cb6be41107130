"""`\\N{NAME}` escapes in f-strings, shielded from libcst's f-string parser.

CPython reads `\\N{BULLET}` in an f-string's text or format spec as one named escape. libcst
reads it as a named escape in the text but, in a format spec, as `\\N` followed by a replacement
field: `f"{x:\\N{BULLET}>9}"` becomes a field named `BULLET`, and `\\N{EM DASH}` is a parse error.
Before libcst sees a module, every named escape inside a non-raw f-string is rewritten to
`\\N<NAME>`: the same length (positions are unchanged), plain text to libcst, and never valid
Python in a non-raw string, so the f-string lowering reads it back as the escape it was.
"""

from __future__ import annotations

import io
import itertools
import re
import tokenize
from collections.abc import Iterator

OPEN, CLOSE = "<", ">"
# An odd run of backslashes, `N`, then a character name (CPython's names are letters, digits,
# spaces and hyphens, in any case).
_NAMED = re.compile(r"(?<!\\)(\\(?:\\\\)*N)\{([A-Za-z0-9 \-]+)\}")


# Python 3.12 tokenizes an f-string as pieces; 3.11 as one STRING token.
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)


def _non_raw_f(prefix: str) -> bool:
    prefix = prefix.lower()
    return "f" in prefix and "r" not in prefix


def _regions(text: str) -> Iterator[tuple[int, int]]:
    """The (start, end) offsets of the text of non-raw f-strings: whole STRING tokens (3.11),
    literal pieces up to the next token (3.12, whose pieces' end positions miscount `{{`)."""
    starts = [0]
    for line in io.StringIO(text).readlines():
        starts.append(starts[-1] + len(line))
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    raw: list[bool] = []
    for token, following in itertools.pairwise(tokens):
        begin = starts[token.start[0] - 1] + token.start[1]
        if token.type == tokenize.STRING:
            quote = min(i for i in (token.string.find("'"), token.string.find('"')) if i >= 0)
            if _non_raw_f(token.string[:quote]):
                yield begin, begin + len(token.string)
        elif token.type == _FSTRING_START:
            raw.append(not _non_raw_f(token.string))
        elif token.type == _FSTRING_END and raw:
            raw.pop()
        elif token.type == _FSTRING_MIDDLE and raw and not raw[-1]:
            yield begin, starts[following.start[0] - 1] + following.start[1]


def shield(text: str) -> str:
    """`text` with each `\\N{NAME}` of a non-raw f-string written `\\N<NAME>`; `text` itself
    when it has none (or does not tokenize, which CPython's own check reports first)."""
    if "\\N{" not in text:
        return text
    out = list(text)
    try:
        for begin, end in _regions(text):
            for found in _NAMED.finditer(text, begin, end):
                out[found.start(2) - 1] = OPEN
                out[found.end(2)] = CLOSE
    except (tokenize.TokenError, SyntaxError):
        return text
    return "".join(out)


def unshield(text: str, index: int) -> tuple[str, int] | None:
    """The `\\N{NAME}` escape whose `N` is at `text[index]`, with the index past it, when it was
    shielded; None for any other escape."""
    if text[index : index + 2] != "N" + OPEN:
        return None
    end = text.find(CLOSE, index)
    if end < 0:
        return None
    return "N{" + text[index + 2 : end] + "}", end + 1
