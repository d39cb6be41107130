"""The workflow log of one `start`/`advance` call: the lines `self.log.<level>(...)` wrote.

A step context has one `Journal` (its `Bounded`'s, as it has one meter): the compiled log
instructions hold it, as they hold the guarded operators, so a log line in a synchronous helper
reaches it as well; the machine restarts it at the beginning of a call and collects its lines at
the end. A line is formatted as `logging` formats a record (`str(message) % args` when there are
args; one non-empty mapping argument formats by key) with the interpreter's limits, and becomes
a `WriteLog` effect: the host records it with the step and emits it once that step is
committed. Nothing here writes.

What `print(...)` writes is split into lines as stdout shows them: the text after its last
newline is `printing`, joined with what the next print writes, kept with the instance's state
between calls (`Machine.printing`) and written as a last line when the instance ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from waymark_runtime.effects import WriteLog
from waymark_runtime.errors import WaymarkError
from waymark_runtime.interpreter.limits import CHARS_PER_OPERATION

if TYPE_CHECKING:  # `Bounded` makes its journal
    from waymark_runtime.interpreter.bounded import Bounded

Printing: TypeAlias = tuple[str, str, int]
"""An unfinished printed line: its text, and the function and line of the print that wrote its
last part."""

LINES_PER_STEP = 1_000
"""The lines one step keeps; past them a step's lines are counted, and one line says so."""


class Journal:
    """The lines of the call running now, numbered on from `seq` (the instance's lines so far),
    formatted and charged through the step context's `bounded` operations."""

    __slots__ = ("bounded", "dropped", "last", "lines", "printing", "seq")

    def __init__(self, bounded: Bounded) -> None:
        self.bounded = bounded
        self.restart(0)

    def restart(self, seq: int, printing: Printing | None = None) -> None:
        """Begin a call of an instance that has written `seq` lines so far, and printed the
        unfinished line `printing`."""
        self.seq = seq
        self.printing = printing
        self.lines: list[WriteLog] = []  # a new list: the last call's effects keep theirs
        self.dropped = 0
        self.last = ("", 0)

    def log(
        self, level: str, message: Any, args: list[Any], function: str, line: int, handled: Any
    ) -> None:
        """Format one line as `logging.LogRecord.getMessage` would, charge it, and keep it; an
        `exception` line is an `error` line followed by the exception `handled`, as `logging`
        appends it."""
        text = format_message(self.bounded, message, args)
        if level == "print":
            self.bounded.meter.charge(1 + len(text) // CHARS_PER_OPERATION)
            self.print(text, function, line)
            return
        if level == "exception":
            level, text = "error", f"{text}\n{handled_text(self.bounded, handled)}"
        self.bounded.meter.charge(1 + len(text) // CHARS_PER_OPERATION)
        self.write(level, text, function, line)

    def write(self, level: str, message: str, function: str, line: int) -> None:
        if len(self.lines) >= LINES_PER_STEP:
            self.dropped, self.last = self.dropped + 1, (function, line)
            return
        self.lines.append(WriteLog(seq=self.seq, level=level, message=message,
                                   function=function, line=line))  # fmt: skip
        self.seq += 1

    def print(self, text: str, function: str, line: int) -> None:
        """Printed `text`: each line it ends is an `info` line (the first joined with the
        unfinished one), the rest is left unfinished."""
        if self.printing is not None:
            text = self.printing[0] + text
        *ended, rest = text.split("\n")
        for each in ended:
            self.write("info", each, function, line)
        self.printing = (rest, function, line) if rest else None

    def written(self, ended: bool = False) -> list[WriteLog]:
        """The step's lines; when it wrote too many, a last warning says how many it dropped.
        When the instance has `ended`, an unfinished printed line is its last line."""
        if ended and self.printing is not None:
            (text, function, line), self.printing = self.printing, None
            self.write("info", text, function, line)
        if self.dropped:
            note = (f"{self.dropped:,} more log lines of this step were dropped: a step keeps "
                    f"at most {LINES_PER_STEP:,}")  # fmt: skip
            self.lines.append(WriteLog(seq=self.seq, level="warning", message=note,
                                       function=self.last[0], line=self.last[1]))  # fmt: skip
            self.seq, self.dropped = self.seq + 1, 0
        return self.lines


def handled_text(bounded: Bounded, error: Any) -> str:
    """What `logger.exception` appends: the traceback an action's exception carries, else the
    last line of one (`ValueError: bad`, the module named as `traceback` names it), and
    `NoneType: None` where no exception is being handled."""
    if error is None:
        return "NoneType: None"
    if getattr(error, "traceback", None):
        return str(error.traceback).rstrip("\n")
    module, _, name = getattr(error, "type", "builtins:").partition(":")
    kind = name if module in ("builtins", "__main__") else f"{module}.{name}"
    said: str = bounded.builtins["str"](error)
    return f"{kind}: {said}" if said else kind


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
