"""`io.StringIO` read as Python reads one: `read`, `readline`, `readlines`, iteration, `seek`
and `tell` from the buffer's place, kept across an await, a `csv.reader` going on from where
the buffer was read to, and a buffer written then read back."""

from __future__ import annotations

import csv
import io

from waymark import Workflow, action, workflow


@action
async def ping(value: int) -> int:
    return value


@workflow
class BufferReads(Workflow):
    async def run(self, text: str) -> list[object]:
        buffer = io.StringIO(text)
        first = buffer.readline()
        place = buffer.tell()
        await ping(1)
        second = buffer.readline()
        rest = buffer.read()
        buffer.seek(place)
        again = buffer.readlines()
        buffer.seek(0)
        some = buffer.read(3)
        lines = [line.rstrip("\n") for line in buffer]
        buffer.seek(0)
        header = buffer.readline()
        rows = list(csv.reader(buffer))
        out = io.StringIO()
        out.write("a\nb")
        out.seek(0)
        try:
            buffer.seek(-1)
        except ValueError as error:
            problem = str(error)
        return [
            first, place, second, rest, again, some, lines, header, rows,
            out.readlines(), out.tell(), buffer.read(), problem,
        ]  # fmt: skip


@workflow
class ReaderDialects(Workflow):
    async def run(self, text: str) -> list[object]:
        plain = csv.reader(io.StringIO(text))
        custom = csv.reader(text.splitlines(), delimiter=";", quotechar="'", strict=True)
        keyed = csv.DictReader(text.splitlines(), dialect="excel-tab")
        held = custom.dialect
        await ping(1)
        names = ("delimiter", "quotechar", "escapechar", "doublequote", "skipinitialspace",
                 "lineterminator", "quoting", "strict")  # fmt: skip
        try:
            missing = str(held.nothing)
        except AttributeError as error:
            missing = str(error)
        return [
            [getattr(plain.dialect, name) for name in names],
            [getattr(held, name) for name in names],
            keyed.dialect,
            keyed.reader.dialect.delimiter,
            type(held).__name__,
            missing,
            list(custom),
        ]


@workflow
class ReaderBeforeItsLines(Workflow):
    async def run(self, text: str) -> list[object]:
        reader = None  # bound before the lines it reads: saved first
        lines = text.splitlines()
        reader = csv.reader(lines, delimiter=";")
        header = next(reader, None)
        await ping(1)
        lines.append("x;y")
        return [header, lines, list(reader)]
