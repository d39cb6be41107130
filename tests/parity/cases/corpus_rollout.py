"""A staged feature rollout: users bucketed by a stable hash, the percentage raised stage by
stage with durable waits between, health checked from error rates and latencies, and a
rollback (chained to the cause) when a stage breaks its budget."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import statistics
from dataclasses import dataclass, field
from enum import Flag, auto

from waymark import Workflow, action, workflow

logger = logging.getLogger(__name__)


class Audience(Flag):
    INTERNAL = auto()
    BETA = auto()
    PUBLIC = auto()
    EVERYONE = INTERNAL | BETA | PUBLIC


class RolloutFailed(Exception):
    pass


class BudgetExceeded(RolloutFailed):
    def __init__(self, stage: int, metric: str, value: float, limit: float) -> None:
        super().__init__(f"stage {stage}: {metric} {value:.3f} over {limit:.3f}")
        self.stage = stage


@dataclass
class Stage:
    percent: int
    audience: Audience
    soak_minutes: int = 30


@dataclass
class Report:
    flag: str
    applied: list[int] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    rolled_back: bool = False


@action
async def set_percentage(flag: str, percent: int, audience: str) -> int:
    return percent


@action
async def metrics(flag: str, percent: int) -> dict[str, list[float]]:
    bad = flag.endswith("-risky") and percent >= 50
    latencies = [120.0 + (i * 7) % 30 + (400 if bad and i % 3 == 0 else 0) for i in range(12)]
    return {"errors": [0.001 * percent / 10 + (0.05 if bad else 0)], "latency_ms": latencies}


def bucket(user_id: str, flag: str) -> int:
    digest = hashlib.md5(f"{flag}:{user_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 100


PLAN = [
    Stage(1, Audience.INTERNAL, 10),
    Stage(10, Audience.INTERNAL | Audience.BETA),
    Stage(50, Audience.EVERYONE),
    Stage(100, Audience.EVERYONE, 0),
]


@workflow
class RolloutFlag(Workflow):
    async def check(self, flag: str, stage: int, percent: int, p95_limit: float) -> str:
        data = await metrics(flag, percent)
        error_rate = statistics.fmean(data["errors"])
        p95 = statistics.quantiles(data["latency_ms"], n=20)[18]
        if error_rate > 0.02:
            raise BudgetExceeded(stage, "error rate", error_rate, 0.02)
        if p95 > p95_limit:
            raise BudgetExceeded(stage, "p95 latency", p95, p95_limit)
        return f"stage {stage}: ok (errors {error_rate:.2%}, p95 {math.ceil(p95)} ms)"

    async def run(self, flag: str, users: list[str], p95_limit: float = 300.0) -> dict[str, object]:
        report = Report(flag)
        try:
            for number, stage in enumerate(PLAN, start=1):
                applied = await set_percentage(flag, stage.percent, stage.audience.name or "")
                report.applied.append(applied)
                logger.info("flag %s at %d%%", flag, applied)
                await asyncio.sleep(stage.soak_minutes * 60)
                report.checks.append(await self.check(flag, number, applied, p95_limit))
        except BudgetExceeded as error:
            report.rolled_back = True
            await set_percentage(flag, 0, Audience.INTERNAL.name or "")
            try:
                raise RolloutFailed(f"{flag} rolled back") from error
            except RolloutFailed as failed:
                report.checks.append(f"{failed} ({failed.__cause__})")
        finally:
            report.checks.append(f"done after {len(report.applied)} stage(s)")
        final = 0 if report.rolled_back else report.applied[-1]
        enabled = sorted(u for u in users if bucket(u, flag) < final)
        return {
            "report": report,
            "enabled": enabled,
            "buckets": {u: bucket(u, flag) for u in users},
            "public": bool(PLAN[-1].audience & Audience.PUBLIC),
        }
