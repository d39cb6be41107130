"""The workflow log of one `start`/`advance` call: the lines `self.log.<level>(...)` wrote.

`JOURNAL` holds the `Journal` of the call running now (a context variable set by `start` and
`advance`), so a log line in a synchronous helper reaches it as well. A line is formatted as
`logging` formats a record (`str(message) % args` when there are args; one non-empty mapping
argument formats by key) with the interpreter's limits, and becomes a `WriteLog` effect: the
host records it with the step and emits it once that step is committed. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from waymark_runtime.effects import WriteLog
from waymark_runtime.errors import InternalError, WaymarkError
from waymark_runtime.interpreter.bounded import Bounded
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION

LINES_PER_STEP = 1_000
"""The lines one step keeps; past them a step's lines are counted, and one line says so."""


class Journal:
    """The lines of one call, numbered on from `seq` (the instance's lines so far), formatted
    and charged through the step context's `bounded` operations."""

    __slots__ = ("bounded", "dropped", "last", "lines", "seq")

    def __init__(self, bounded: Bounded, seq: int = 0) -> None:
        self.bounded = bounded
        self.seq = seq
        self.lines: list[WriteLog] = []
        self.dropped = 0
        self.last = ("", 0)

    def write(self, level: str, message: str, function: str, line: int) -> None:
        if len(self.lines) >= LINES_PER_STEP:
            self.dropped, self.last = self.dropped + 1, (function, line)
            return
        self.lines.append(WriteLog(seq=self.seq, level=level, message=message,
                                   function=function, line=line))  # fmt: skip
        self.seq += 1

    def written(self) -> list[WriteLog]:
        """The step's lines; when it wrote too many, a last warning says how many it dropped."""
        if self.dropped:
            note = (f"{self.dropped:,} more log lines of this step were dropped: a step keeps "
                    f"at most {LINES_PER_STEP:,}")  # fmt: skip
            self.lines.append(WriteLog(seq=self.seq, level="warning", message=note,
                                       function=self.last[0], line=self.last[1]))  # fmt: skip
            self.seq, self.dropped = self.seq + 1, 0
        return self.lines


JOURNAL: ContextVar[Journal | None] = ContextVar("waymark_journal", default=None)


@contextmanager
def writing(journal: Journal) -> Iterator[None]:
    """Log lines written meanwhile go to `journal`."""
    token = JOURNAL.set(journal)
    try:
        yield
    finally:
        JOURNAL.reset(token)


def write(level: str, message: Any, args: list[Any], function: str, line: int) -> None:
    """Format one line as `logging.LogRecord.getMessage` would and add it to the journal."""
    journal = JOURNAL.get()
    if journal is None:
        raise InternalError("a log line was written outside `start`/`advance`")
    text = format_message(journal.bounded, message, args)
    journal.bounded.meter.charge(1 + len(text) // CHARS_PER_OPERATION)
    journal.write(level, text, function, line)


def format_message(bounded: Bounded, message: Any, args: list[Any]) -> str:
    """`logging`'s formatting; a message that does not format (`'%d' % 'x'`) is kept with
    the reason, as `logging` keeps the program running when a record fails to format."""
    text: str = message if message.__class__ is str else bounded.builtins["str"](message)
    if not args:
        return text
    values: Any = tuple(args)
    if len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
        values = args[0]
    try:
        formatted: str = bounded.mod(text, values)
    except WaymarkError:
        raise
    except Exception as error:
        return f"{text} (log arguments did not format: {type(error).__name__}: {error})"
    return formatted
