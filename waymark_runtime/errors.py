"""The exception hierarchy shared by every Waymark package.

One base, `WaymarkError`; each class's docstring is its default message. User errors (bad input,
unsupported code) are kept apart from `InternalError`, which always means a bug of ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


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
        super().__init__(f"no instance {instance_id}")


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
            f"send id {send_id!r} was used for another signal to instance {instance_id} "
            "(another name or payload): nothing was sent; pick a new send id for a new signal"
        )


class SignalRefused(SignalError):
    """the instance has finished (or does not exist): nobody will ever receive the signal"""

    def __init__(self, message: str | None = None, status: str | None = None) -> None:
        self.status = status
        """The finished instance's status; None for an unknown instance."""
        super().__init__(message)
