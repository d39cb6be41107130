"""The spelling of `.wrl` tokens, shared by the printer and the parser.

Owns identifiers (and their backtick escape), import paths, class names, string literals and
numbers: how each value is written canonically and how its token text reads back. It knows no
grammar and builds no IR.
"""

from __future__ import annotations

import keyword
import math
import re

from waymark_runtime.errors import InternalError

# Words that begin an expression or a statement in `.wrl` (or are Python keywords): a name spelled
# like one of them is written in backticks wherever an expression may start. `fn`, `sync` and
# `case` are here because they may follow the end of a block, where a statement may also start.
RESERVED_WORDS = frozenset(keyword.kwlist) | {
    "match",
    "case",
    "fn",
    "sync",
    "new",
    "enum",
    "type",
    "const",
    "fstring",
    "self",
    "action",
}
# After `fn`, `except ... as`, in parameter lists and keyword arguments only Python keywords clash.
HARD_KEYWORDS = frozenset(keyword.kwlist)

_IDENT = r"(?:[^\W\d]|[^\x00-\x7f])(?:\w|[^\x00-\x7f])*"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_PATH_RE = re.compile(rf"({_DOTTED}):({_DOTTED})")
_CLASS_NAME_RE = re.compile(rf"{_DOTTED}(?::{_DOTTED})?")
_ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\\'\"nrt])")
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
# Below CPython's smallest int<->str digit limit, so big integers never hit that limit.
_DIGIT_CHUNK = 500


# --- identifiers --------------------------------------------------------------------------------


def is_identifier(text: str) -> bool:
    return text.isidentifier()


def format_name(name: str, reserved: frozenset[str] = RESERVED_WORDS) -> str:
    """A name as written in `.wrl`: as is, or in backticks when it would read as a keyword."""
    if not is_identifier(name):
        raise InternalError(f"invalid identifier {name!r} in the IR")
    return f"`{name}`" if name in reserved else name


def read_name(token: str) -> str | None:
    """The identifier a NAME token spells (backticks removed), or None if it is not one."""
    name = token[1:-1] if token.startswith("`") else token
    return name if is_identifier(name) else None


def is_escaped(token: str) -> bool:
    return token.startswith("`")


# --- import paths and class names ----------------------------------------------------------------


def _is_path(text: str) -> bool:
    match = _PATH_RE.fullmatch(text)
    return match is not None and all(part.isidentifier() for part in re.split(r"[.:]", text))


def format_path(path: str) -> str:
    """An import path `module:QualName`, as the IR stores it."""
    if not _is_path(path):
        raise InternalError(f"invalid import path {path!r} in the IR (expected `module:QualName`)")
    return path


def read_path(token: str) -> str | None:
    return token if _is_path(token) else None


def format_class_name(name: str) -> str:
    """An exception class name: bare when it is a (dotted) name or path, else quoted (a dotted
    name is read name by name, so one with a keyword in it is quoted too)."""
    parts = re.split(r"[.:]", name)
    keyword = ":" not in name and not HARD_KEYWORDS.isdisjoint(parts)
    if _CLASS_NAME_RE.fullmatch(name) and all(p.isidentifier() for p in parts) and not keyword:
        return name
    return format_string(name)


# --- strings --------------------------------------------------------------------------------------


def format_string(value: str) -> str:
    """Python's repr: deterministic, and non-printable characters are escaped."""
    return repr(value)


def read_string(token: str) -> str | None:
    """The value of a STRING token, or None if it holds an escape repr() would not write."""
    body = token[1:-1]
    parts: list[str] = []
    position = 0
    for escape in re.finditer(r"\\.", body, re.DOTALL):
        parts.append(body[position : escape.start()])
        decoded = _ESCAPE_RE.match(body, escape.start())
        if decoded is None:
            return None
        value = _decode_escape(decoded.group(1))
        if value is None:
            return None
        parts.append(value)
        position = decoded.end()
    parts.append(body[position:])
    return "".join(parts)


def _decode_escape(code: str) -> str | None:
    if code in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[code]
    point = int(code[1:], 16)
    return chr(point) if point <= 0x10FFFF else None


# --- numbers --------------------------------------------------------------------------------------


def format_number(value: int | float) -> str:
    """A non-negative finite number literal; `const(...)` covers the rest."""
    if isinstance(value, float):
        return repr(value)
    return _int_to_decimal(value)


def needs_const(value: int | float) -> bool:
    """True for the numbers Python has no literal for: negatives, -0.0, inf and nan."""
    if isinstance(value, float):
        return not math.isfinite(value) or math.copysign(1.0, value) < 0
    return value < 0


def format_signed_number(value: int | float) -> str:
    """`5`, `-2.5`, `inf`, `-inf`, `nan`: the content of `const(...)` and of policy options."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if needs_const(value):
        return "-" + format_number(-value)
    return format_number(value)


def read_number(token: str) -> int | float:
    if any(mark in token for mark in ".eE"):
        return float(token)
    return _decimal_to_int(token)


def _int_to_decimal(value: int) -> str:
    base = 10**_DIGIT_CHUNK
    chunks: list[str] = []
    while value >= base:
        value, low = divmod(value, base)
        chunks.append(str(low).rjust(_DIGIT_CHUNK, "0"))
    chunks.append(str(value))
    return "".join(reversed(chunks))


def _decimal_to_int(digits: str) -> int:
    value = 0
    for start in range(0, len(digits), _DIGIT_CHUNK):
        chunk = digits[start : start + _DIGIT_CHUNK]
        value = value * 10 ** len(chunk) + int(chunk)
    return value
