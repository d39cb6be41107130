"""Stored workflow values shown to people and scripts: plain JSON and one-line summaries.

Values are stored as tagged JSON (`{"$t": "model", ...}`, see `waymark_runtime.values`). The CLI
shows them as plain JSON: models and dataclasses as objects of their fields, tuples and sets as
lists, datetimes, UUIDs and decimals as strings, enums as their value, ints too long for decimal
text in hex (`"0x..."`), non-finite floats as Python's `json.dumps` writes them (`NaN`,
`Infinity`), lone surrogates as their escapes (`"\\ud800"`), exceptions as
`{"exception": "ValueError", "message": "..."}`. Display only; nothing reads this back. Every text made here from a stored value is `printable`: its
control characters are escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from waymark_compiler.cli._output import printable
from waymark_runtime.values.text import big_int_value, shown_text, text_value

Plain = Any

# The same controls less C0: JSON escapes those itself, and its indentation is newlines of ours.
# Lone surrogates too: no terminal or UTF-8 stream can show one, and `\\udXXX` is their JSON.
_CONTROL_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def cell(text: str) -> str:
    """A stored string in rich output: printable, and its `[...]` shown, not read as markup."""
    from rich.markup import escape

    return escape(printable(text))


def plain(value: Any) -> Plain:
    """A stored value as plain JSON."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("$t")
    if tag is None:
        return {key: plain(item) for key, item in value.items()}
    shown = _TAGGED.get(tag)
    if shown is None:
        return value
    try:
        return shown(value)
    except (LookupError, TypeError, ValueError, AttributeError):  # malformed: shown as stored
        return value


def _items(value: dict[str, Any]) -> Plain:
    return [plain(item) for item in value["items"]]


def _dict(value: dict[str, Any]) -> Plain:
    return {_key(plain(key)): plain(item) for key, item in value["items"]}


def _key(key: Any) -> str:
    return key if isinstance(key, str) else json.dumps(key)


def _enum(value: dict[str, Any]) -> Plain:
    return plain(value["value"]) if "value" in value else value["name"]


def exception_text(value: Any) -> str:
    """`ValueError: message` for a stored exception; other values as compact JSON."""
    if isinstance(value, dict) and value.get("$t") == "exception":
        name = str(value.get("type", "")).rpartition(":")[2] or "Exception"
        message = shown_text(value.get("message") or "")
        return printable(f"{name}: {message}" if message else name)
    return compact(plain(value))


def _exception(value: dict[str, Any]) -> Plain:
    name = str(value.get("type", "")).rpartition(":")[2]
    return {"exception": name, "message": shown_text(value.get("message", ""))}


_TAGGED: dict[str, Callable[[dict[str, Any]], Plain]] = {
    "tuple": _items,
    "set": _items,
    "frozenset": _items,
    "dict": _dict,
    "int": lambda value: hex(big_int_value(value)),
    "str": text_value,
    "float": lambda value: float(value["v"]),  # NaN, Infinity: as Python's json.dumps writes
    "bytes": lambda value: value["v"],
    "datetime": lambda value: value["v"],
    "date": lambda value: value["v"],
    "time": lambda value: value["v"],
    "timedelta": lambda value: value["v"][0] * 86400 + value["v"][1] + value["v"][2] / 1e6,
    "uuid": lambda value: value["v"],
    "decimal": lambda value: value["v"],
    "model": lambda value: plain(value["fields"]),
    "dataclass": lambda value: plain(value["fields"]),
    "enum": _enum,
    "exception": _exception,
    "type": lambda value: value["v"],
}


def compact(value: Plain) -> str:
    """One-line JSON."""
    return _json_printable(json.dumps(value, ensure_ascii=False, separators=(", ", ": "),
                                      default=str))  # fmt: skip


def pretty(value: Plain) -> str:
    """Indented JSON, for results on stdout."""
    return _json_printable(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _json_printable(text: str) -> str:
    """JSON text whose every control character is a `\\u` escape (still the same JSON)."""
    return _CONTROL_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def call_text(action: str, args: Any, kwargs: Any) -> str:
    """`send_email(to='u1@example.com', subject='Welcome')`, from an attempt's arguments."""
    name = printable(action.rpartition(":")[2])
    parts = [compact(plain(arg)) for arg in args or ()]
    parts += [f"{printable(key)}={compact(plain(item))}" for key, item in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"
