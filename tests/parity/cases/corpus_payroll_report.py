"""A monthly payroll summary across offices in several time zones: shifts come in as UTC
ISO strings, are converted to local wall-clock time (DST transitions included), split into
regular and overtime hours, paid in Decimal with banker's rounding, and rendered as a
fixed-width text report."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from operator import itemgetter
from zoneinfo import ZoneInfo

from waymark import Workflow, action, workflow

OFFICES = {"NYC": "America/New_York", "BER": "Europe/Berlin", "SYD": "Australia/Sydney"}
CENT = Decimal("0.01")
REGULAR_DAY = timedelta(hours=8)
OVERTIME = Decimal("1.5")


@action
async def fetch_shifts(office: str, month: str) -> list[dict[str, str]]:
    base = {
        "NYC": "2024-03-09T22:00:00",
        "BER": "2024-03-30T23:30:00",
        "SYD": "2024-04-06T10:00:00",
    }
    start = datetime.fromisoformat(base[office]).replace(tzinfo=UTC)
    rows = []
    for i, hours in enumerate([9, 7.5, 11, 8]):
        begin = start + timedelta(days=i, minutes=15 * i)
        rows.append(
            {
                "employee": f"{office.lower()}-{i % 2}",
                "start": begin.isoformat(),
                "end": (begin + timedelta(hours=hours)).isoformat(),
                "rate": ["31.25", "28.10"][i % 2],
            }
        )
    return rows


@action
async def publish(report: str) -> int:
    return report.count("\n")


def local_day(moment: datetime, office: str) -> date:
    return moment.astimezone(ZoneInfo(OFFICES[office])).date()


def pay(duration: timedelta, rate: Decimal) -> tuple[Decimal, Decimal]:
    regular = min(duration, REGULAR_DAY)
    extra = duration - regular
    hours = Decimal(regular.total_seconds()) / 3600
    over = Decimal(extra.total_seconds()) / 3600
    return (
        (hours * rate).quantize(CENT, ROUND_HALF_EVEN),
        (over * rate * OVERTIME).quantize(CENT, ROUND_HALF_EVEN),
    )


@workflow
class PayrollReport(Workflow):
    async def run(
        self, month: str = "2024-03", offices: list[str] | None = None
    ) -> dict[str, object]:
        offices = offices or sorted(OFFICES)
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        lines: list[tuple[str, str, str, Decimal, Decimal]] = []
        for office in offices:
            tz = ZoneInfo(OFFICES[office])
            for shift in await fetch_shifts(office, month):
                start = datetime.fromisoformat(shift["start"])
                end = datetime.fromisoformat(shift["end"])
                local_start = start.astimezone(tz)
                local_end = end.astimezone(tz)
                regular, overtime = pay(end - start, Decimal(shift["rate"]))
                totals[office] += regular + overtime
                wall = local_end.replace(tzinfo=None) - local_start.replace(tzinfo=None)
                lines.append(
                    (
                        office,
                        shift["employee"],
                        f"{local_start:%a %d %b %H:%M} {local_start.tzname()} ({wall})",
                        regular,
                        overtime,
                    )
                )
        lines.sort(key=itemgetter(0, 1))
        header = f"{'office':<6}|{'employee':^9}|{'local shift':<36}|{'regular':>9}|{'overtime':>9}"
        body = [f"{o:<6}|{e:^9}|{when:<36}|{r:>9,}|{ot:>9}" for o, e, when, r, ot in lines]
        grand = sum(totals.values(), Decimal(0))
        report = "\n".join([header, "-" * len(header), *body, f"total {grand:>,.2f}"])
        return {
            "lines": await publish(report),
            "report": report,
            "totals": {k: str(v) for k, v in totals.items()},
            "days": sorted(
                {
                    str(local_day(datetime.fromisoformat("2024-03-10T06:59:00+00:00"), o))
                    for o in offices
                }
            ),
        }


INPUTS = {"PayrollReport": [{}, {"offices": ["SYD"]}, {"offices": ["XXX"]}]}
