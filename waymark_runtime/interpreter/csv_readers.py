"""`csv.reader` and `csv.DictReader` over lines a workflow holds, and `io.StringIO` as a source.

Python's own readers parse, lazily, as CPython's do: a row is read when the workflow asks for
it, a malformed one raises `csv.Error` there, and the reader goes on with the next line after
it. What a paused frame keeps of a reader is what it needs to go on: the iterator of its lines
(saved as the state codec saves any iterator), its format arguments and how many lines it has
read (`line_num`); a `DictReader` keeps its field names and `restkey`/`restval` too. A reader
always stops between records, so a fresh reader over the rest of the lines goes on exactly
where the saved one was.

A reader's lines may come from an `io.StringIO(text)` (`csv_writers.TextBuffer`): iterating it
gives the lines of `text`, as a file does.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any

from waymark_runtime.interpreter.limits import Meter

JSON = Any


class CsvReader:
    """`csv.reader(lines, dialect, **options)`: Python's reader, and what it needs to resume."""

    __slots__ = ("_args", "_base", "_options", "_reader", "_source")

    def __init__(
        self, lines: Any, args: tuple[Any, ...], options: dict[str, Any], line_num: int = 0
    ) -> None:
        self._source: Iterator[Any] = iter(lines)  # the iterator the reader reads
        self._reader = csv.reader(self._source, *args, **options)  # Python's errors for options
        self._args, self._options, self._base = args, options, line_num

    def __iter__(self) -> CsvReader:
        return self

    def __next__(self) -> list[str]:
        return next(self._reader)

    @property
    def line_num(self) -> int:
        """The number of source lines read, as `csv.reader` counts them."""
        return self._base + self._reader.line_num

    @property
    def dialect(self) -> ReaderDialect:
        return ReaderDialect(self._args, self._options)


class ReaderDialect:
    """`reader.dialect`: the format a reader reads, with the attributes of Python's dialect
    (`delimiter`, `quotechar`, `escapechar`, `doublequote`, `skipinitialspace`,
    `lineterminator`, `quoting`, `strict`), read-only; saved as the reader's format."""

    __slots__ = ("_args", "_options")

    def __init__(self, args: tuple[Any, ...], options: dict[str, Any]) -> None:
        self._args, self._options = args, options

    def __copy__(self) -> ReaderDialect:  # read-only: copied as itself, as Python's is shared
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ReaderDialect:
        return self

    def __getattr__(self, name: str) -> Any:
        if name in _DIALECT_ATTRIBUTES:
            return getattr(csv.reader([], *self._args, **self._options).dialect, name)
        raise AttributeError(f"'_csv.Dialect' object has no attribute '{name}'")

    def __dir__(self) -> list[str]:
        return sorted(_DIALECT_ATTRIBUTES)


_DIALECT_ATTRIBUTES = frozenset({"delimiter", "quotechar", "escapechar", "doublequote",
                                 "skipinitialspace", "lineterminator", "quoting", "strict"})  # fmt: skip


class CsvDictReader(csv.DictReader):  # type: ignore[type-arg]
    """`csv.DictReader`: Python's class, over a `CsvReader` so that it can be saved."""

    _fieldnames: Any

    def __init__(
        self,
        lines: Any,
        fieldnames: Any = None,
        restkey: Any = None,
        restval: Any = None,
        dialect: Any = "excel",
        *args: Any,
        **options: Any,
    ) -> None:
        super().__init__(lines, fieldnames, restkey, restval, dialect, *args, **options)
        self.reader = CsvReader(lines, (dialect, *args), options)  # type: ignore[assignment]


def csv_functions(meter: Meter) -> dict[str, Callable[..., Any]]:
    """The readers by qualified name; a reader's lines are read (and charged) as it reads."""

    def reader(lines: Any, *args: Any, **options: Any) -> CsvReader:
        return CsvReader(meter.metered(lines), args, options)

    def dict_reader(lines: Any, *args: Any, **options: Any) -> CsvDictReader:
        return CsvDictReader(meter.metered(lines), *args, **options)

    return {"csv.reader": reader, "csv.DictReader": dict_reader}


def encode_format(
    args: tuple[Any, ...], options: dict[str, Any], encode: Callable[[Any], JSON]
) -> dict[str, JSON]:
    """A reader's or writer's dialect and format arguments, as the state codec saves them."""
    return {"args": encode(list(args)), "options": encode(options)}


def decode_format(value: JSON, decode: Callable[[JSON], Any]) -> tuple[tuple[Any, ...], Any]:
    return tuple(decode(value["args"])), decode(value["options"])


def encode_reader(
    obj: CsvReader | CsvDictReader | ReaderDialect, encode: Callable[[Any], JSON]
) -> JSON:
    """A reader (or a reader's dialect) as the state codec saves it (`encode` saves its
    parts)."""
    if isinstance(obj, ReaderDialect):
        return {"$t": "csv.dialect", **encode_format(obj._args, obj._options, encode)}
    if isinstance(obj, CsvReader):
        return {
            "$t": "csv.reader",
            "lines": encode(obj._source),
            **encode_format(obj._args, obj._options, encode),
            "n": obj.line_num,
        }
    return {
        "$t": "csv.DictReader",
        "reader": encode(obj.reader),
        "dialect": encode(obj.dialect),
        "fields": encode(obj._fieldnames),
        "restkey": encode(obj.restkey),
        "restval": encode(obj.restval),
        "n": obj.line_num,
    }


def decode_reader(tag: str, value: JSON, decode: Callable[[JSON], Any]) -> Any:
    """The reader `encode_reader` saved (`decode` loads its parts)."""
    if tag == "csv.dialect":
        return ReaderDialect(*decode_format(value, decode))
    if tag == "csv.reader":  # its parts in the order they were saved, as references count them
        lines = decode(value["lines"])
        args, options = decode_format(value, decode)
        return CsvReader(lines, args, options, value["n"])
    rows = CsvDictReader.__new__(CsvDictReader)
    rows.reader = decode(value["reader"])
    rows._fieldnames = decode(value["fields"])
    rows.restkey, rows.restval = decode(value["restkey"]), decode(value["restval"])
    rows.dialect, rows.line_num = decode(value["dialect"]), value["n"]
    return rows


# Named as Python names its readers (`type(rows).__name__`, "object of type 'DictReader' has no
# len()").
CsvReader.__name__ = CsvReader.__qualname__ = "reader"
CsvDictReader.__name__ = CsvDictReader.__qualname__ = "DictReader"

ReaderDialect.__name__ = ReaderDialect.__qualname__ = "Dialect"

READER_TYPES = (CsvReader, CsvDictReader, ReaderDialect)
READER_TAGS = frozenset({"csv.reader", "csv.DictReader", "csv.dialect"})
