"""Job scheduler: each job's next run times are computed from a simple schedule (every N
minutes, daily at a local time, weekdays only, monthly on a day clamped to the month's end)
in the job's own time zone, across DST changes, and the due runs are dispatched in order."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from waymark import Workflow, action, workflow


class BadSchedule(ValueError):
    pass


@dataclass(frozen=True)
class Job:
    name: str
    tz: str
    kind: str
    at: time = time(9, 0)
    every: int = 0
    day: int = 1


@action
async def list_jobs(team: str) -> list[Job]:
    jobs = {
        "ops": [
            Job("backup", "Europe/Berlin", "daily", time(2, 30)),
            Job("digest", "America/New_York", "weekdays", time(8, 15)),
            Job("poll", "UTC", "every", every=90),
            Job("invoice", "Asia/Tokyo", "monthly", time(6), day=31),
        ],
        "bad": [Job("weird", "Mars/Olympus", "daily"), Job("zero", "UTC", "every", every=0)],
    }
    return jobs[team]


@action
async def dispatch(name: str, when: datetime) -> str:
    return f"{name}@{when.isoformat()}"


def add_months(moment: datetime, months: int, day: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(day, last))


def next_runs(job: Job, after: datetime, count: int) -> list[datetime]:
    zone = ZoneInfo(job.tz)
    local = after.astimezone(zone)
    runs: list[datetime] = []
    if job.kind == "every":
        if job.every <= 0:
            raise BadSchedule(f"{job.name}: interval must be positive")
        step = timedelta(minutes=job.every)
        start = after.replace(minute=0, second=0, microsecond=0)
        while start <= after:
            start += step
        return [start + i * step for i in range(count)]
    if job.kind == "monthly":
        candidate = add_months(local.replace(hour=job.at.hour, minute=job.at.minute), 0, job.day)
        months = 0
        while len(runs) < count:
            candidate = add_months(
                local.replace(day=1, hour=job.at.hour, minute=job.at.minute), months, job.day
            )
            if candidate > local:
                runs.append(candidate.astimezone(UTC))
            months += 1
        return runs
    day = local.date()
    while len(runs) < count:
        candidate = datetime.combine(day, job.at, tzinfo=zone)
        if candidate > local and (job.kind != "weekdays" or candidate.weekday() < 5):
            runs.append(candidate.astimezone(UTC))
        day += timedelta(days=1)
    return runs


@workflow
class PlanRuns(Workflow):
    async def run(
        self, team: str, now: datetime, count: int = 3, horizon_hours: int = 48
    ) -> dict[str, object]:
        plan: list[tuple[datetime, str]] = []
        errors: dict[str, str] = {}
        for job in await list_jobs(team):
            try:
                runs = next_runs(job, now, count)
            except BadSchedule as error:
                errors[job.name] = str(error)
                continue
            except Exception as error:  # unknown zone
                errors[job.name] = type(error).__name__
                continue
            plan.extend((when, job.name) for when in runs)
        plan.sort()
        horizon = now + timedelta(hours=horizon_hours)
        due = [(when, name) for when, name in plan if when <= horizon]
        sent = [await dispatch(name, when) for when, name in due]
        gaps = [int((b[0] - a[0]).total_seconds() // 60) for a, b in pairwise(due)]
        return {
            "sent": sent,
            "later": [f"{name} {when:%a %d %b %H:%M}Z" for when, name in plan if when > horizon],
            "gaps_min": gaps,
            "errors": errors,
            "first_local": {
                name: when.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M %Z")
                for when, name in reversed(due)
            },
        }


INPUTS = {
    "PlanRuns": [
        {"team": "ops", "now": datetime(2024, 3, 29, 23, 10, tzinfo=UTC)},
        {
            "team": "ops",
            "now": datetime(2024, 10, 26, 22, 0, tzinfo=UTC),
            "count": 2,
            "horizon_hours": 30,
        },
        {
            "team": "ops",
            "now": datetime(2024, 1, 30, 12, 0, tzinfo=UTC),
            "count": 2,
            "horizon_hours": 24 * 40,
        },
        {"team": "bad", "now": datetime(2024, 6, 1, tzinfo=UTC)},
    ]
}
