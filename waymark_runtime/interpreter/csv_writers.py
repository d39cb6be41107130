"""`io.StringIO` as a text buffer, and `csv.writer` and `csv.DictWriter` writing into one.

A report a workflow builds row by row (`writer.writerow(...)`, then `buffer.getvalue()` handed
to an action) is Python's own: the buffer is a real `StringIO` and the writers are Python's,
so quoting, line endings and errors are CPython's. The buffer may only be written and read
whole (`write`, `getvalue`); a write past the string limit fails with `LimitExceeded`. What a
paused frame keeps: a buffer's text and position (and its `newline`), a writer's buffer (the
same buffer the workflow holds) and format arguments, a `DictWriter`'s field names,
`restval` and `extrasaction` too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from waymark_runtime.interpreter.csv_readers import decode_format, encode_format
from waymark_runtime.interpreter.limits import Meter

JSON = Any


class TextBuffer(io.StringIO):
    """`io.StringIO(text, newline)`: Python's, keeping the `newline` it was made with."""

    def __init__(self, initial_value: Any = "", newline: Any = "\n") -> None:
        super().__init__(initial_value, newline)
        self.newline_given = newline


class CsvWriter:
    """`csv.writer(buffer, dialect, **options)`: Python's writer, and what it needs to be made
    again."""

    __slots__ = ("_args", "_buffer", "_options", "_writer")

    def __init__(self, buffer: Any, args: tuple[Any, ...], options: dict[str, Any]) -> None:
        self._writer = csv.writer(buffer, *args, **options)  # Python's errors: no `write`...
        self._buffer, self._args, self._options = buffer, args, options

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow(row)

    def writerows(self, rows: Any) -> None:
        self._writer.writerows(rows)


class CsvDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """`csv.DictWriter`: Python's class, over a `CsvWriter` so that it can be saved."""

    def __init__(
        self,
        buffer: Any,
        fieldnames: Any,
        restval: Any = "",
        extrasaction: Any = "raise",
        dialect: Any = "excel",
        *args: Any,
        **options: Any,
    ) -> None:
        super().__init__(buffer, fieldnames, restval, extrasaction, dialect, *args, **options)
        self.writer = CsvWriter(buffer, (dialect, *args), options)  # type: ignore[assignment]


# Named as Python names them (`type(w).__name__`, its `TypeError`s).
TextBuffer.__name__ = TextBuffer.__qualname__ = "StringIO"
CsvWriter.__name__ = CsvWriter.__qualname__ = "writer"
CsvDictWriter.__name__ = CsvDictWriter.__qualname__ = "DictWriter"

WRITING_METHODS: dict[type, frozenset[str]] = {
    # a buffer is read as Python reads one, from its place (saved with it)
    TextBuffer: frozenset({"write", "getvalue", "read", "readline", "readlines", "seek", "tell"}),
    CsvWriter: frozenset({"writerow", "writerows"}),
    CsvDictWriter: frozenset({"writerow", "writerows", "writeheader"}),
}


def call_writing(obj: Any, name: str, args: list[Any], kwargs: dict[str, Any], meter: Meter) -> Any:
    """`buffer.write(text)`, `writer.writerow(row)`, `buffer.readline()`, ...: Python's, the
    buffer written to then held to the string limit."""
    if name not in WRITING_METHODS[obj.__class__]:
        raise AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'")
    if name != "getvalue":
        meter.charge(1)
    result = getattr(obj, name)(*args, **kwargs)
    if name == "readlines":
        meter.charge(len(result))
    buffer = _buffer_of(obj)
    meter.allow_chars(len(result) if name == "getvalue" else buffer.tell())
    return result


def _buffer_of(obj: Any) -> Any:
    if isinstance(obj, CsvDictWriter):
        obj = obj.writer
    return obj._buffer if isinstance(obj, CsvWriter) else obj


def writer_functions() -> dict[str, Callable[..., Any]]:
    def writer(buffer: Any, *args: Any, **options: Any) -> CsvWriter:
        return CsvWriter(buffer, args, options)

    return {"io.StringIO": TextBuffer, "csv.writer": writer, "csv.DictWriter": CsvDictWriter}


def encode_writing(obj: Any, encode: Callable[[Any], JSON]) -> JSON:
    """A buffer or writer as the state codec saves it (`encode` saves its parts)."""
    if isinstance(obj, TextBuffer):
        return {"$t": "stringio", "v": obj.getvalue(), "pos": obj.tell(), "nl": obj.newline_given}
    if isinstance(obj, CsvWriter):
        return {
            "$t": "csv.writer",
            "buffer": encode(obj._buffer),
            **encode_format(obj._args, obj._options, encode),
        }
    return {
        "$t": "csv.DictWriter",
        "writer": encode(obj.writer),
        "fields": encode(obj.fieldnames),
        "restval": encode(obj.restval),
        "extrasaction": obj.extrasaction,
    }


def decode_writing(tag: str, value: JSON, decode: Callable[[JSON], Any]) -> Any:
    """The buffer or writer `encode_writing` saved (`decode` loads its parts)."""
    if tag == "stringio":
        buffer = TextBuffer(value["v"], value["nl"])
        buffer.seek(value["pos"])
        return buffer
    if tag == "csv.writer":  # its parts in the order they were saved, as references count them
        buffer = decode(value["buffer"])
        args, options = decode_format(value, decode)
        return CsvWriter(buffer, args, options)
    rows = CsvDictWriter.__new__(CsvDictWriter)
    rows.writer = decode(value["writer"])
    rows.fieldnames = decode(value["fields"])
    rows.restval, rows.extrasaction = decode(value["restval"]), value["extrasaction"]
    return rows


WRITING_TYPES = tuple(WRITING_METHODS)
WRITING_TAGS = frozenset({"stringio", "csv.writer", "csv.DictWriter"})
