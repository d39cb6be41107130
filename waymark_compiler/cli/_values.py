"""Stored workflow values shown to people and scripts: plain JSON and one-line summaries.

Values are stored as tagged JSON (`{"$t": "model", ...}`, see `waymark_runtime.values`). The CLI
shows them as plain JSON: models and dataclasses as objects of their fields, tuples and sets as
lists, datetimes, UUIDs and decimals as strings, enums as their value, ints too long for decimal
text in hex (`"0x..."`), exceptions as `{"exception": "ValueError", "message": "..."}`. Display
only; nothing reads this back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from waymark_runtime.values.text import big_int_value, text_value

Plain = Any


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
    return shown(value) if shown is not None else value


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
        message = plain(value.get("message")) or ""
        return f"{name}: {message}" if message else name
    return compact(plain(value))


def _exception(value: dict[str, Any]) -> Plain:
    name = str(value.get("type", "")).rpartition(":")[2]
    return {"exception": name, "message": plain(value.get("message", ""))}


_TAGGED: dict[str, Callable[[dict[str, Any]], Plain]] = {
    "tuple": _items,
    "set": _items,
    "frozenset": _items,
    "dict": _dict,
    "int": lambda value: hex(big_int_value(value)),
    "str": text_value,
    "float": lambda value: value["v"],
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
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def pretty(value: Plain) -> str:
    """Indented JSON, for results on stdout."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def call_text(action: str, args: Any, kwargs: Any) -> str:
    """`send_email(to='u1@example.com', subject='Welcome')`, from an attempt's arguments."""
    name = action.rpartition(":")[2]
    parts = [compact(plain(arg)) for arg in args or ()]
    parts += [f"{key}={compact(plain(item))}" for key, item in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"
