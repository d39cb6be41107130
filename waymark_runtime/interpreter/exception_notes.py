"""`error.add_note(text)` on an exception a workflow holds: the note joins the exception's
`__notes__`, an attribute it keeps as Python keeps it (a list of `str`, created by the first
note), read as `error.__notes__` and saved and raised with the exception."""

from __future__ import annotations

from typing import Any

from waymark_runtime.values import ExceptionValue
from waymark_runtime.values.structural import type_name

NOTES = "__notes__"


def add_note(error: ExceptionValue, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Python's `BaseException.add_note`, with its errors."""
    if kwargs:
        raise TypeError(f"{type_name(error)}.add_note() takes no keyword arguments")
    if len(args) != 1:
        raise TypeError(
            f"{type_name(error)}.add_note() takes exactly one argument ({len(args)} given)"
        )
    note = args[0]
    if not isinstance(note, str):
        raise TypeError(f"note must be a str, not '{type_name(note)}'")
    notes = error.attrs.setdefault(NOTES, [])
    if not isinstance(notes, list):
        raise TypeError("Cannot add note: __notes__ is not a list")
    notes.append(note)
