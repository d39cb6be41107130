"""Waymark: durable Python workflows on PostgreSQL, compiled once to the Waymark Runtime Language.

This package is the public facade: it re-exports the decorators, base class, policies and client
functions users import, and holds no logic of its own.
"""

from mountaineer_di import Depends

from waymark._workflow import workflow
from waymark_runtime.actions import ActionTimeout, BackoffPolicy, RetryPolicy, action
from waymark_runtime.errors import CompileError, WaymarkError, WorkflowFailed
from waymark_runtime.schedules import (
    ScheduleInfo,
    delete_schedule,
    list_schedules,
    pause_schedule,
    resume_schedule,
    schedule_workflow,
)
from waymark_runtime.workflows import Workflow

Depend = Depends

__all__ = [
    "ActionTimeout",
    "BackoffPolicy",
    "CompileError",
    "Depend",
    "Depends",
    "RetryPolicy",
    "ScheduleInfo",
    "WaymarkError",
    "Workflow",
    "WorkflowFailed",
    "action",
    "delete_schedule",
    "list_schedules",
    "pause_schedule",
    "resume_schedule",
    "schedule_workflow",
    "workflow",
]
