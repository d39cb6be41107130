"""The exception hierarchy shared by every Waymark package.

One base, `WaymarkError`; each class's docstring is its default message. User errors (bad input,
unsupported code) are kept apart from `InternalError`, which always means a bug of ours.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any

SHOWN_CHARACTERS = 80
"""How much of a caller's name, id, key or value a message quotes (see `clipped`)."""


def message_of(error: BaseException) -> str:
    """`str(error)`; a broken `__str__` must not hide the exception itself: then its `repr`,
    then the words Python's own traceback prints for it."""
    for show in (str, repr):
        try:
            text = show(error)
        except Exception:
            continue
        if isinstance(text, str):
            return text
    return "<exception str() failed>"


def import_failure(error: BaseException) -> str:
    """`Type: first line of the message` of what importing a user's module raised (any
    exception, `SystemExit` from a `sys.exit()` at import among them), for a one-line error."""
    lines = message_of(error).splitlines()
    name = type(error).__name__
    return f"{name}: {lines[0]}" if lines and lines[0] else name


def clipped(value: object, width: int = SHOWN_CHARACTERS) -> str:
    """`repr(value)` for an error message, cut to about `width` characters: a signal name,
    instance id, workflow or schedule name, key or value a caller passes can be megabytes long,
    and the message must stay readable. A long string keeps its start and says its length.
    Never fails: a value nested past the recursion limit, an int past Python's digit limit or a
    class whose `__repr__` raises is shown by its type."""
    if isinstance(value, str):
        return _clipped_text(value, width)
    try:
        text = _SHORT.repr(value)
    except Exception:
        return f"<{type(value).__name__} object>"
    return text if len(text) <= width else f"{text[: width - 3]}..."


def _clipped_text(text: str, width: int) -> str:
    shown, kept = repr(text[:width]), min(width, len(text))
    while len(shown) > width + 2:  # escapes (`\\x00`) take up to 10 characters each
        kept //= 2
        shown = repr(text[:kept])
    return shown if kept == len(text) else f"{shown}... ({len(text):,} characters)"


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 4
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 70
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = _SHORT.maxfrozenset = 12


def close_match(name: str, known: Sequence[str]) -> str | None:
    """The known name `name` was most likely meant to be ("did you mean ...?"); none for a
    name far longer than any known one (a typo is not that long, and the search is costly)."""
    import difflib

    longest = max((len(k) for k in known), default=0)
    if len(name) > 2 * longest + 10:
        return None
    found = difflib.get_close_matches(name, known, n=1)
    return found[0] if found else None


class WaymarkError(Exception):
    """waymark error"""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class InternalError(WaymarkError):
    """internal error in waymark (this is a bug; please report it)"""


class ProgramError(WaymarkError):
    """the workflow program asks for something the runtime does not allow"""


class CompileError(WaymarkError):
    """workflow does not compile"""

    def __init__(self, diagnostics: Sequence[Any], rendered: str | None = None) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__(rendered or "\n".join(str(d) for d in self.diagnostics))


class WrlSyntaxError(WaymarkError):
    """malformed .wrl text"""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        self.line = line
        self.column = column
        where = f"{line}:{column}: " if line else ""
        super().__init__(f"{where}{message}")


class ProgramMismatch(WaymarkError):
    """the stored program is not the workflow version it is stored as"""


class WorkflowFailed(WaymarkError):
    """workflow instance failed"""

    # For an exception whose class is not known here: its `module:QualName`, its stored JSON
    # value, and the traceback recorded where it was raised (when one was recorded).
    type_name: str | None = None
    error: Any = None
    remote_traceback: str | None = None


class ValueNotSerializable(WaymarkError):
    """a value cannot be stored in a workflow"""


class WorkflowCancelled(WaymarkError):
    """the workflow instance was cancelled"""


InstanceCancelled = WorkflowCancelled  # the name stored errors of earlier releases carry


class WorkflowTimeout(WaymarkError):
    """the workflow instance did not finish before its deadline"""


class ChildWorkflowError(WaymarkError):
    """a child workflow cannot start: a limit of WAYMARK_MAX_CHILD_DEPTH or WAYMARK_MAX_CHILDREN
    is reached, or its workflow has no registered version (raised where the parent awaits the
    child)"""


class DatabaseUnreachable(WaymarkError):
    """cannot reach the database"""

    call: str | None = None
    """The client call that raised it (`send_signal`, `run() of workflow 'Order'`, ...); None
    for `connect()`."""
    ambiguous = False
    """True when the connection was lost after the call was sent: it may have taken effect.
    False when nothing was sent, or the call only reads: making it again is safe."""


class InvalidDatabaseUrl(WaymarkError, ValueError):
    """malformed database URL"""


class NoRuntimeError(WaymarkError):
    """no LocalRuntime is active in this test, and no database is configured: use the
    `waymark_runtime` fixture or `async with LocalRuntime():`, or set WAYMARK_DATABASE_URL (or
    WAYMARK_HOME) to run against PostgreSQL"""


class UnknownInstance(WaymarkError, LookupError):
    """no such workflow instance"""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        plain = len(instance_id) <= SHOWN_CHARACTERS and instance_id.isprintable()
        shown = instance_id if plain else clipped(instance_id)  # control characters escaped
        super().__init__(f"no instance {shown}")


class InstanceStateError(WaymarkError):
    """the workflow instance's status does not allow this"""

    def __init__(self, instance_id: str, status: str, message: str) -> None:
        self.instance_id = instance_id
        self.status = status
        super().__init__(message)


class SignalTimeout(WaymarkError, TimeoutError):
    """no signal arrived before the wait's timeout (raised where the workflow waits)"""


class SignalError(WaymarkError):
    """the signal cannot be sent"""


class UnknownSignal(SignalError, LookupError):
    """the instance's program never waits for a signal of this name"""


class InvalidSignalPayload(SignalError, TypeError):
    """the payload does not match the type the workflow declares for the signal"""


class SendIdReused(SignalError, ValueError):
    """the send id was used already for another signal (name or payload) to this instance"""

    def __init__(self, instance_id: str, send_id: str) -> None:
        super().__init__(
            f"send id {clipped(send_id)} was used for another signal to instance {instance_id} "
            "(another name or payload): nothing was sent; pick a new send id for a new signal"
        )


class SignalRefused(SignalError):
    """the instance has finished (or does not exist): nobody will ever receive the signal"""

    def __init__(self, message: str | None = None, status: str | None = None) -> None:
        self.status = status
        """The finished instance's status; None for an unknown instance."""
        super().__init__(message)
