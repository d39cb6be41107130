"""The data of schedules: `ScheduleInfo` (what users see), cadences, registrations, errors.

`ScheduleInfo` is built from a `list_schedules` row (times as epoch seconds, shown as UTC
datetimes). Every error is a `ScheduleError`, itself a `WaymarkError`. This module holds data
only: no SQL, no clock, and nothing slow to import (the `waymark` facade imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from waymark_runtime.errors import WaymarkError
from waymark_runtime.options import InvalidOptionError

ScheduleStatus = Literal["active", "paused"]
STATUSES: tuple[ScheduleStatus, ...] = ("active", "paused")
CadenceKind = Literal["cron", "interval"]


class ScheduleError(WaymarkError):
    """schedule error"""


class InvalidScheduleError(ScheduleError, InvalidOptionError):
    """invalid schedule"""


class UnknownWorkflowError(ScheduleError):
    """unknown workflow"""


class ScheduleNotFoundError(ScheduleError):
    """no such schedule"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cadence:
    """A validated cadence: exactly one of `cron` (normalised spacing) or `interval_seconds`."""

    kind: CadenceKind
    cron: str | None = None
    interval_seconds: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSchedule:
    """A validated registration, as `ScheduleRows.upsert` writes it (times in epoch seconds)."""

    workflow: str
    name: str
    cadence: Cadence
    inputs: Any
    jitter_seconds: float
    allow_duplicate: bool
    priority: int
    slot: float
    run_at: float
    version: str
    wrl: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleInfo:
    """One schedule as stored. Times are timezone-aware UTC datetimes."""

    id: str
    workflow_name: str
    schedule_name: str
    schedule_type: Literal["cron", "interval"]
    cron_expression: str | None
    interval: timedelta | None
    inputs: dict[str, Any]
    jitter: timedelta | None
    allow_duplicate: bool
    priority: int
    status: ScheduleStatus
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_instance_id: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def cadence(self) -> str:
        """`*/15 * * * *` for a cron schedule, `every 15m` for an interval."""
        if self.interval is not None:
            return f"every {format_duration(self.interval.total_seconds())}"
        return self.cron_expression or ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: times in ISO 8601, durations in seconds."""
        seconds = None if self.interval is None else self.interval.total_seconds()
        return {
            "id": self.id,
            "workflow_name": self.workflow_name,
            "schedule_name": self.schedule_name,
            "schedule_type": self.schedule_type,
            "cadence": self.cadence,
            "cron_expression": self.cron_expression,
            "interval_seconds": seconds,
            "inputs": self.inputs,
            "jitter_seconds": 0.0 if self.jitter is None else self.jitter.total_seconds(),
            "allow_duplicate": self.allow_duplicate,
            "priority": self.priority,
            "status": self.status,
            "next_run_at": _iso(self.next_run_at),
            "last_run_at": _iso(self.last_run_at),
            "last_instance_id": self.last_instance_id,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


def info_of(row: Any) -> ScheduleInfo:
    """A `list_schedules` row as a `ScheduleInfo`."""
    interval = row["interval_seconds"]
    jitter = row["jitter_seconds"]
    last_instance = row["last_instance_id"]
    return ScheduleInfo(
        id=str(row["id"]),
        workflow_name=row["workflow_name"],
        schedule_name=row["name"],
        schedule_type=row["schedule_type"],
        cron_expression=row["cron_expression"],
        interval=None if interval is None else timedelta(seconds=interval),
        inputs=row["inputs"],
        jitter=timedelta(seconds=jitter) if jitter else None,
        allow_duplicate=row["allow_duplicate"],
        priority=row["priority"],
        status=row["status"],
        next_run_at=_moment(row["next_run_at"]),
        last_run_at=_moment(row["last_run_at"]),
        last_instance_id=None if last_instance is None else str(last_instance),
        created_at=datetime.fromtimestamp(row["created_at"], UTC),
        updated_at=datetime.fromtimestamp(row["updated_at"], UTC),
    )


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


_UNITS = (("d", 86_400.0), ("h", 3_600.0), ("m", 60.0))


def format_duration(seconds: float) -> str:
    """`1d2h`, `15m`, `90s`, `0.5s`: the largest units that divide the duration exactly."""
    parts = []
    rest = seconds
    for unit, size in _UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{int(count)}{unit}")
    if rest or not parts:
        parts.append(f"{rest:g}s")
    return "".join(parts)
