"""Schedules: recurring runs of a workflow on a cron expression (UTC) or a fixed interval.

Schedules live in PostgreSQL (`waymark_schedules`); `start-workers` runs the scheduler that
fires them (`scheduler.run_scheduler`). This package re-exports the user-facing surface and
stays cheap to import; `api` validates and writes schedules, `scheduler` fires them, `cadence`
computes fire times, `rows` owns the SQL, `model` the data.
"""

from waymark_runtime.schedules.api import (
    Schedules,
    WorkflowRef,
    delete_schedule,
    list_schedules,
    pause_schedule,
    resume_schedule,
    schedule_workflow,
)
from waymark_runtime.schedules.model import (
    InvalidScheduleError,
    ScheduleError,
    ScheduleInfo,
    ScheduleNotFoundError,
    ScheduleStatus,
    UnknownWorkflowError,
)

__all__ = [
    "InvalidScheduleError",
    "ScheduleError",
    "ScheduleInfo",
    "ScheduleNotFoundError",
    "ScheduleStatus",
    "Schedules",
    "UnknownWorkflowError",
    "WorkflowRef",
    "delete_schedule",
    "list_schedules",
    "pause_schedule",
    "resume_schedule",
    "schedule_workflow",
]
