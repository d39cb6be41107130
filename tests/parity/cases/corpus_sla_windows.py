"""Support SLA report over business-day windows: tickets opened in a reporting window are
measured in business hours (weekends and public holidays skipped, working day 09:00-17:00),
grouped by ISO week, and the month-end boundaries named for the finance calendar."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from waymark import Workflow, action, workflow

WORK_START = time(9)
WORK_END = time(17)
HOLIDAYS = frozenset({date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)})
SLA_HOURS = {"p1": 4, "p2": 16, "p3": 40}


@dataclass(frozen=True)
class Ticket:
    id: str
    priority: str
    opened: datetime
    resolved: datetime | None


@action
async def tickets_between(start: str, end: str) -> list[Ticket]:
    first = datetime.fromisoformat(start)
    rows = []
    for i in range(14):
        opened = first + timedelta(days=i * 1.7, hours=(i * 5) % 11)
        taken = timedelta(hours=(i * 7) % 30 + 1) if i % 5 != 4 else None
        rows.append(
            Ticket(f"T{i:03}", ("p1", "p2", "p3")[i % 3], opened, opened + taken if taken else None)
        )
    return rows


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def business_seconds(start: datetime, end: datetime) -> float:
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_business_day(day):
            window_start = max(start, datetime.combine(day, WORK_START))
            window_end = min(end, datetime.combine(day, WORK_END))
            if window_end > window_start:
                total += (window_end - window_start).total_seconds()
        day += timedelta(days=1)
    return total


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_business_days(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if is_business_day(day):
            count -= 1
    return day


@workflow
class SlaReport(Workflow):
    async def run(
        self, start: date, days: int = 21, as_of: str = "2025-01-20T12:00"
    ) -> dict[str, object]:
        end = start + timedelta(days=days)
        now = datetime.fromisoformat(as_of)
        tickets = await tickets_between(start.isoformat(), end.isoformat())
        weeks: dict[str, dict[str, int]] = {}
        breaches: list[str] = []
        for ticket in tickets:
            year, week, _ = ticket.opened.isocalendar()
            bucket = weeks.setdefault(
                f"{year}-W{week:02d}", {"opened": 0, "breached": 0, "open": 0}
            )
            bucket["opened"] += 1
            closed_at = ticket.resolved or now
            hours = business_seconds(ticket.opened, closed_at) / 3600
            if ticket.resolved is None:
                bucket["open"] += 1
            if hours > SLA_HOURS[ticket.priority]:
                bucket["breached"] += 1
                breaches.append(f"{ticket.id} {ticket.priority} {hours:.1f}h")
        closes = sorted({month_end(d) for d in (start, end)})
        return {
            "window": f"{start:%d %b %Y} to {end:%d %b %Y} ({(end - start).days} days)",
            "weeks": weeks,
            "breaches": breaches,
            "month_closes": [d.isoformat() for d in closes],
            "close_deadlines": [add_business_days(d, 3).strftime("%a %Y-%m-%d") for d in closes],
            "leap": [y for y in range(start.year, end.year + 2) if calendar.isleap(y)],
            "age_of_oldest_open": str(now - min(t.opened for t in tickets if t.resolved is None)),
        }
