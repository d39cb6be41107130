"""Waymark: durable Python workflows on PostgreSQL, compiled once to the Waymark Runtime Language.

This package is the public facade: it re-exports the decorators, base class, policies and client
functions users import, and holds no logic of its own.
"""

from typing import TYPE_CHECKING, Any

from waymark._workflow import workflow
from waymark_runtime.actions import ActionTimeout, BackoffPolicy, RetryPolicy, action
from waymark_runtime.errors import (
    ChildWorkflowError,
    CompileError,
    DatabaseUnreachable,
    InvalidDatabaseUrl,
    InvalidSignalPayload,
    NoRuntimeError,
    SendIdReused,
    SignalError,
    SignalRefused,
    SignalTimeout,
    UnknownSignal,
    ValueNotSerializable,
    WaymarkError,
    WorkflowCancelled,
    WorkflowFailed,
    WorkflowTimeout,
)
from waymark_runtime.flow import Concurrency, FlowConfigError, RateLimit
from waymark_runtime.options import InvalidOptionError
from waymark_runtime.schedules import (
    ScheduleInfo,
    delete_schedule,
    list_schedules,
    pause_schedule,
    resume_schedule,
    schedule_workflow,
)
from waymark_runtime.workflows import Workflow

if TYPE_CHECKING:
    from mountaineer_di import Depends

    from waymark_runtime.client import admin, cancel, connect, get_result, get_status, send_signal

    Depend = Depends

_CLIENT_FUNCTIONS = frozenset(
    {"admin", "cancel", "connect", "get_result", "get_status", "send_signal"}
)


def __getattr__(name: str) -> Any:
    # Loaded on first use, so a runner that only holds structural values stays light: the
    # PostgreSQL client brings asyncpg, and mountaineer-di brings pydantic.
    if name in _CLIENT_FUNCTIONS:
        from waymark_runtime import client

        return getattr(client, name)
    if name in ("Depends", "Depend"):
        from mountaineer_di import Depends

        return Depends
    raise AttributeError(f"module 'waymark' has no attribute {name!r}")


__all__ = [
    "ActionTimeout",
    "BackoffPolicy",
    "ChildWorkflowError",
    "CompileError",
    "Concurrency",
    "DatabaseUnreachable",
    "Depend",
    "Depends",
    "FlowConfigError",
    "InvalidDatabaseUrl",
    "InvalidOptionError",
    "InvalidSignalPayload",
    "NoRuntimeError",
    "RateLimit",
    "RetryPolicy",
    "ScheduleInfo",
    "SendIdReused",
    "SignalError",
    "SignalRefused",
    "SignalTimeout",
    "UnknownSignal",
    "ValueNotSerializable",
    "WaymarkError",
    "Workflow",
    "WorkflowCancelled",
    "WorkflowFailed",
    "WorkflowTimeout",
    "action",
    "admin",
    "cancel",
    "connect",
    "delete_schedule",
    "get_result",
    "get_status",
    "list_schedules",
    "pause_schedule",
    "resume_schedule",
    "schedule_workflow",
    "send_signal",
    "workflow",
]
