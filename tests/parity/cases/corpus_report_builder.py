"""Weekly operations report: ticket metrics pulled per team in parallel, grouped by ISO week
and priority, response times summarised with statistics, a fixed-width text table and a JSON
attachment rendered, and teams with no data listed rather than failing the report."""

from __future__ import annotations

import asyncio
import json
import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from itertools import chain, groupby
from operator import itemgetter

from waymark import Workflow, action, workflow

PRIORITIES = ("p1", "p2", "p3")


class NoData(LookupError):
    pass


@action
async def tickets(team: str, since: date) -> list[dict[str, object]]:
    if team == "ghost":
        raise NoData(f"team {team!r} has no queue")
    base = datetime.combine(since, datetime.min.time())
    out = []
    for i in range(len(team) * 2):
        opened = base + timedelta(hours=17 * i + len(team))
        out.append(
            {
                "id": f"{team[:3].upper()}-{100 + i}",
                "priority": PRIORITIES[(i + len(team)) % 3],
                "opened": opened.isoformat(),
                "first_reply_min": (i * 37 + len(team) * 11) % 240 + 5,
            }
        )
    return out


def fmt_minutes(minutes: float) -> str:
    hours, mins = divmod(round(minutes), 60)
    return f"{hours}h{mins:02d}m" if hours else f"{mins}m"


def week_of(stamp: str) -> str:
    year, week, _ = datetime.fromisoformat(stamp).isocalendar()
    return f"{year}-W{week:02d}"


@workflow
class OpsReport(Workflow):
    async def run(self, teams: list[str], since: date, sla_minutes: int = 120) -> dict[str, object]:
        results = await asyncio.gather(*(tickets(t, since) for t in teams), return_exceptions=True)
        missing = {t: str(r) for t, r in zip(teams, results, strict=True) if isinstance(r, NoData)}
        per_team = {t: r for t, r in zip(teams, results, strict=True) if isinstance(r, list)}
        rows = sorted(chain.from_iterable(per_team.values()), key=itemgetter("priority", "opened"))
        table = [f"{'priority':<8} {'n':>3} {'median':>7} {'p90':>7} {'breach':>6}"]
        by_week: defaultdict[str, int] = defaultdict(int)
        for priority, group in groupby(rows, key=itemgetter("priority")):
            items = list(group)
            waits = [float(t["first_reply_min"]) for t in items]
            p90 = statistics.quantiles(waits, n=10)[-1] if len(waits) > 1 else waits[0]
            breaches = sum(w > sla_minutes for w in waits)
            table.append(
                f"{priority:<8} {len(items):>3} {fmt_minutes(statistics.median(waits)):>7} "
                f"{fmt_minutes(p90):>7} {breaches / len(items):>6.1%}"
            )
            for t in items:
                by_week[week_of(str(t["opened"]))] += 1
        worst = max(rows, key=lambda t: (t["first_reply_min"], t["id"]), default=None)
        title = f" Ops report from {since:%a %d %B %Y} "
        attachment = json.dumps(
            {"weeks": dict(sorted(by_week.items())), "missing": sorted(missing)}, indent=2
        )
        return {
            "title": title.center(50, "="),
            "table": "\n".join(table),
            "worst": worst
            and f"{worst['id']} waited {fmt_minutes(float(worst['first_reply_min']))}",
            "attachment": attachment,
            "missing": missing,
        }


INPUTS = {
    "OpsReport": [
        {"teams": ["billing", "infra", "ghost"], "since": date(2024, 12, 28)},
        {"teams": ["web"], "since": date(2025, 3, 3), "sla_minutes": 30},
        {"teams": ["ghost"], "since": date(2025, 1, 1)},
    ]
}
