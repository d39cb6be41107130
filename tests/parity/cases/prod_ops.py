"""Operations workflows: an incident escalation ladder, a batch email campaign with a
suppression list and per-recipient outcomes, an inventory reconciliation with tolerances,
and a data-retention sweep that pages through results with a cursor."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import string
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Flag, auto
from typing import Any, Literal

from pydantic import BaseModel, Field

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

PAGED: list[str] = []
ACKS: dict[str, int] = {}


def reset() -> None:
    PAGED.clear()
    ACKS.clear()


class Channel(Flag):
    EMAIL = auto()
    SMS = auto()
    PHONE = auto()
    ALL = EMAIL | SMS | PHONE


class Incident(BaseModel):
    id: str
    severity: Literal["sev1", "sev2", "sev3"]
    title: str
    opened_at: datetime
    tags: list[str] = Field(default_factory=list)


@dataclass
class Responder:
    name: str
    channels: Channel
    acks_after: int | None = None


@action
async def page(responder: Responder, incident_id: str, channel: Channel) -> bool:
    PAGED.append(f"{responder.name}/{channel.name}")
    ACKS[responder.name] = ACKS.get(responder.name, 0) + 1
    return responder.acks_after is not None and ACKS[responder.name] >= responder.acks_after


@action
async def post_status(incident_id: str, text: str) -> str:
    return hashlib.sha1(f"{incident_id}:{text}".encode()).hexdigest()[:8]


@workflow
class EscalateIncident(Workflow):
    async def run(self, incident: Incident, rounds: int = 2) -> dict[str, Any]:
        ladder = [
            Responder("primary", Channel.ALL, 3),
            Responder("secondary", Channel.PHONE | Channel.SMS, 1),
        ]
        if incident.severity == "sev2":
            ladder = [Responder("primary", Channel.EMAIL | Channel.SMS, 2)]
        elif incident.severity == "sev3":
            ladder = []
        acked_by: str | None = None
        log: list[str] = []
        for round_no in range(1, rounds + 1):
            for responder in ladder:
                channels = [c for c in Channel if c in responder.channels and c is not Channel.ALL]
                results = await asyncio.gather(*[page(responder, incident.id, c) for c in channels])
                log.append(
                    f"r{round_no} {responder.name}: {'|'.join(c.name.lower() for c in channels)} -> {any(results)}"
                )
                if any(results):
                    acked_by = responder.name
                    break
            if acked_by:
                break
            await asyncio.sleep(timedelta(minutes=5 * round_no).total_seconds())
        age = datetime(2024, 5, 1, 12, tzinfo=UTC) - incident.opened_at
        hours, rem = divmod(int(age.total_seconds()), 3600)
        status = f"[{incident.severity.upper()}] {incident.title!r} open {hours}h{rem // 60:02d}m"
        status += f", acked by {acked_by}" if acked_by else ", UNACKED"
        return {
            "acked_by": acked_by,
            "log": log,
            "status_id": await post_status(incident.id, status),
            "status": status,
            "tags": ",".join(sorted(set(incident.tags), key=str.lower)) or "-",
        }


class Recipient(BaseModel):
    email: str
    first_name: str = ""
    locale: str = "en"


class SendFailed(Exception):
    pass


@action
async def deliver(to: str, subject: str, body: str) -> str:
    if to.endswith("@bounce.test"):
        raise SendFailed(f"550 mailbox unavailable: {to}")
    return "queued:" + hashlib.md5(to.encode()).hexdigest()[:6]


SUBJECTS = {"en": "Your $plan plan renews soon", "de": "Ihr $plan-Tarif verlängert sich bald"}


@workflow
class RenewalCampaign(Workflow):
    async def run(
        self, recipients: list[Recipient], suppressed: list[str], plan: str, batch: int = 2
    ) -> dict[str, Any]:
        blocked = {s.strip().lower() for s in suppressed}
        seen: set[str] = set()
        queue: deque[Recipient] = deque()
        outcome: OrderedDict[str, str] = OrderedDict()
        for r in recipients:
            key = r.email.strip().lower()
            if key in blocked:
                outcome[key] = "suppressed"
            elif key in seen:
                outcome[key] = "duplicate"
            elif not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", key):
                outcome[key] = "invalid"
            else:
                seen.add(key)
                queue.append(r)
        sent = 0
        while queue:
            wave = [queue.popleft() for _ in range(min(batch, len(queue)))]
            replies = await asyncio.gather(
                *[
                    self.run_action(
                        deliver(
                            r.email.strip().lower(),
                            string.Template(SUBJECTS.get(r.locale, SUBJECTS["en"])).substitute(
                                plan=plan
                            ),
                            f"Hi {r.first_name or 'there'},\n\n{plan.title()} renews on {datetime(2024, 6, 1):%d %b}.",
                        ),
                        retry=RetryPolicy(attempts=2, exception_types=[ConnectionError]),
                        backoff=BackoffPolicy(base_delay=1, multiplier=2),
                    )
                    for r in wave
                ],
                return_exceptions=True,
            )
            for r, reply in zip(wave, replies, strict=True):
                match reply:
                    case SendFailed() as err:
                        outcome[r.email.strip().lower()] = f"failed: {err.args[0].split(':')[0]}"
                    case str() if reply.startswith("queued:"):
                        outcome[r.email.strip().lower()] = reply
                        sent += 1
        outcome.move_to_end(next(iter(outcome)), last=True) if outcome else None
        stats = {
            k: sum(1 for v in outcome.values() if v.startswith(k))
            for k in ("queued", "failed", "suppressed", "duplicate", "invalid")
        }
        return {
            "sent": sent,
            "outcome": dict(outcome),
            "stats": stats,
            "json": json.dumps(stats, sort_keys=True),
        }


@dataclass
class StockLine:
    sku: str
    system: int
    counted: int
    unit_cost: float

    @property
    def delta(self) -> int:
        return self.counted - self.system


@dataclass
class Reconciliation:
    warehouse: str
    adjusted: list[str] = field(default_factory=list)
    recount: list[str] = field(default_factory=list)
    write_off: float = 0.0


@action
async def stock_counts(warehouse: str) -> list[StockLine]:
    return [
        StockLine("A-1", 100, 98, 2.5),
        StockLine("A-2", 10, 10, 99.0),
        StockLine("B-7", 5, 0, 120.0),
        StockLine("C-3", 0, 4, 1.0),
        StockLine("D-9", 1000, 1012, 0.1),
    ]


@action
async def adjust(warehouse: str, sku: str, delta: int) -> None:
    return None


@workflow
class ReconcileInventory(Workflow):
    async def run(
        self, warehouse: str, tolerance_pct: float = 2.0, max_write_off: float = 500
    ) -> dict[str, Any]:
        rec = Reconciliation(warehouse)
        lines = await stock_counts(warehouse)
        for line in sorted(lines, key=lambda s: abs(s.delta) * s.unit_cost, reverse=True):
            if line.delta == 0:
                continue
            pct = abs(line.delta) / line.system * 100 if line.system else float("inf")
            cost = line.delta * line.unit_cost
            if pct <= tolerance_pct or (cost < 0 and rec.write_off - cost <= max_write_off):
                await adjust(warehouse, line.sku, line.delta)
                rec.adjusted.append(f"{line.sku}:{line.delta:+d}")
                rec.write_off -= min(cost, 0)
            else:
                rec.recount.append(
                    f"{line.sku} ({pct:.0f}%)" if pct != float("inf") else f"{line.sku} (new)"
                )
        return {**asdict(rec), "write_off": f"{rec.write_off:.2f}", "ok": not rec.recount}


@action
async def list_expired(table: str, cursor: str | None, limit: int) -> tuple[list[str], str | None]:
    rows = [f"{table}-{i:03d}" for i in range(7)]
    start = rows.index(cursor) + 1 if cursor else 0
    page = rows[start : start + limit]
    return page, (page[-1] if start + limit < len(rows) else None)


@action
async def purge(table: str, ids: list[str]) -> int:
    if table == "audit" and any(i.endswith("5") for i in ids):
        raise PermissionError(f"legal hold on {table}")
    return len(ids)


@workflow
class RetentionSweep(Workflow):
    async def run(self, tables: list[str], page_size: int = 3) -> dict[str, Any]:
        purged: dict[str, int] = dict.fromkeys(tables, 0)
        errors: list[str] = []
        for table in tables:
            cursor: str | None = None
            pages = 0
            while (result := await list_expired(table, cursor, page_size))[0]:
                ids, cursor = result
                pages += 1
                try:
                    purged[table] += await purge(table, ids)
                except PermissionError as exc:
                    errors.append(f"{table}@page{pages}: {exc}")
                    break
                if cursor is None:
                    break
        return {"purged": purged, "errors": errors, "total": sum(purged.values())}


def _incident(iid: str, sev: str, tags: list[str]) -> Incident:
    return Incident(
        id=iid,
        severity=sev,
        title=f"{iid} is down",
        opened_at=datetime(2024, 5, 1, 9, 17, tzinfo=UTC),
        tags=tags,
    )


INPUTS = {
    "EscalateIncident": [
        {"incident": _incident("db", "sev1", ["db", "EU", "db", "api"])},
        {"incident": _incident("cdn", "sev2", []), "rounds": 3},
        {"incident": _incident("docs", "sev3", ["Docs"])},
    ],
    "RenewalCampaign": [
        {
            "recipients": [
                Recipient(email="Ada@Example.com", first_name="Ada"),
                Recipient(email="ada@example.com "),
                Recipient(email="bo@bounce.test", locale="de"),
                Recipient(email="not-an-email"),
                Recipient(email="cy@example.org", locale="de", first_name="Cy"),
                Recipient(email="spam@example.com"),
            ],
            "suppressed": [" SPAM@example.com"],
            "plan": "pro",
        },
        {"recipients": [], "suppressed": [], "plan": "team"},
    ],
}
