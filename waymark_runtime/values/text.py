"""The two values JSON text cannot carry as they are, and what makes a value storable.

Ints past 2,048 bits travel as hex (`{"$t": "int"}`): Python refuses decimal text beyond
`sys.get_int_max_str_digits()` (at least 640 digits) and converting it is quadratic; hex is
neither. Strings with NUL or surrogates travel escaped (`{"$t": "str"}`): PostgreSQL's `json`
refuses `\\u0000` and lone surrogates, and JSON merges a pair of surrogates into one character.
Every other int and string is stored as it is, at the cost of a check.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from waymark_runtime.errors import ValueNotSerializable
from waymark_runtime.values.structural import JSON

_BIG_INT = 1 << 2048
_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def big_int_json(value: int) -> JSON:
    """An int as JSON: a number, or a hex string when it is too long for decimal text."""
    if -_BIG_INT < value < _BIG_INT:
        return value
    return {"$t": "int", "v": format(value, "x")}


def big_int_value(value: JSON) -> int:
    return int(value["v"], 16)


def plain_text(text: str) -> bool:
    """Can `text` be stored as a JSON string as it is (no NUL, no surrogate)?"""
    if text.isascii():
        return "\x00" not in text
    return _UNSAFE.search(text) is None


def text_json(text: str) -> JSON:
    """A string with NUL or surrogates, escaped as Python escapes (readable, and ASCII)."""
    return {"$t": "str", "v": text.encode("unicode_escape").decode("ascii")}


def text_value(value: JSON) -> str:
    return str(value["v"]).encode("ascii").decode("unicode_escape")


def shown_text(value: JSON) -> str:
    """A stored string (plain or escaped) as text, for messages; anything else as `str()`."""
    if isinstance(value, dict) and value.get("$t") == "str":
        try:
            return text_value(value)
        except (UnicodeError, ValueError):  # a malformed escape is shown as stored
            return str(value.get("v"))
    return value if isinstance(value, str) else str(value)


_SHORT = 10**18  # integers below this in magnitude need no encoder to be known storable
_STORABLE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def check_storable(value: JSON, max_bytes: int | None = None) -> None:
    """Raise `ValueNotSerializable` unless the JSON-shaped `value` can be written as JSON text
    that PostgreSQL's `json` accepts and that reads back as the same value, of at most
    `max_bytes` bytes when given (`WAYMARK_MAX_PAYLOAD_BYTES`).

    Encoded values always pass the first checks; this guards the boundaries where a value
    arrives from elsewhere (an action's result, a worker's reply)."""
    if value is None or type(value) is bool or (type(value) is int and -_SHORT < value < _SHORT):
        # `null`, `true`, `false`, a short integer: JSON text as long as `str` of it
        if max_bytes is not None:
            check_size(str(value), max_bytes)
        return
    try:
        text = _STORABLE.encode(value)
    except (TypeError, ValueError, RecursionError) as error:
        raise ValueNotSerializable(f"not JSON: {error}") from None
    if max_bytes is not None:
        check_size(text, max_bytes)
    if not text.isascii() and _SURROGATE.search(text) is not None:
        raise ValueNotSerializable("a string holds a surrogate that is not escaped")
    if "\\u0000" in text and _holds_nul(value):
        raise ValueNotSerializable("a string holds a NUL character that is not escaped")


def check_size(text: str, max_bytes: int) -> None:
    """Refuse compact JSON `text` of more than `max_bytes` bytes (UTF-8, as stored)."""
    if len(text) <= max_bytes // 4:  # at most four bytes a character
        return
    size = len(text) if text.isascii() else len(text.encode())
    if size > max_bytes:
        raise ValueNotSerializable(
            f"its JSON is {size:,} bytes, more than WAYMARK_MAX_PAYLOAD_BYTES ({max_bytes:,})"
        )


def unstorable(action: str, error: BaseException, *, raised: bool = False) -> ValueNotSerializable:
    """`ValueNotSerializable` naming the action whose result (or the error it `raised`) could
    not be stored, and why."""
    why = error if isinstance(error, ValueNotSerializable) else f"{type(error).__name__}: {error}"
    what = "the error raised by" if raised else "the result of"
    return ValueNotSerializable(f"{what} action {action!r} cannot be stored: {why}")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any("\x00" in key or _holds_nul(item) for key, item in value.items())
    return False


class UnreadableJson(ValueError):
    """JSON text a person typed (`waymark run --input`, a signal's payload) that cannot be
    read; its message says why and where."""


def read_json(text: str) -> Any:
    """The value of JSON text from outside, or `UnreadableJson`: bad syntax (with its line and
    column), nesting past Python's recursion limit, or a number longer than Python reads as
    decimal text, or characters no UTF-8 text holds (the bytes of a command line that is not
    UTF-8 arrive as lone surrogates), or an object giving a key twice (which one was meant is
    not known; `json.loads` keeps the last). Never another exception, whatever the text."""
    if not text.isascii():
        _refuse_surrogates(text)
    try:
        return json.loads(text, object_pairs_hook=_object)
    except UnreadableJson:
        raise
    except json.JSONDecodeError as failure:
        why = f"{failure.msg} (line {failure.lineno}, column {failure.colno})"
    except RecursionError:
        why = "it nests deeper than Python's recursion limit"
    except ValueError:  # `int()` of a longer run of digits than sys.get_int_max_str_digits()
        why = f"a number has more than {sys.get_int_max_str_digits():,} digits"
    raise UnreadableJson(why)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for key, item in pairs:
        if key in value:
            raise UnreadableJson(f"an object gives the key {json.dumps(key)} twice")
        value[key] = item
    return value


def _refuse_surrogates(text: str) -> None:
    found = _SURROGATE.search(text)
    if found is None:
        return
    code, at = ord(found.group()), found.start()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    what = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
    raise UnreadableJson(f"it is not UTF-8 text: {what} (line {line}, column {column})")


def json_size(value: JSON, stop_after: int) -> int:
    """Bytes of `value` as compact UTF-8 JSON (as stored), counted as it is written out piece
    by piece, never held whole: the count stops once past `stop_after`."""
    size = 0
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    for chunk in encoder.iterencode(value):
        size += len(chunk) if chunk.isascii() else len(chunk.encode(errors="surrogatepass"))
        if size > stop_after:
            break
    return size
