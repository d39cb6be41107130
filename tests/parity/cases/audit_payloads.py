"""An audit trail: event payloads holding dates, decimals, enums, models and sets are written
with `json.dumps(..., default=str)` (and `default=list` for sets), and fingerprinted with
`hashlib` to deduplicate them, as services do before storing or signing a payload."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel

from waymark import Workflow, action, workflow


class Kind(Enum):
    REFUND = 1
    CHARGE = 2


class Channel(StrEnum):
    WEB = "web"
    POS = "pos"


class Customer(BaseModel):
    id: str
    tier: str = "basic"


@dataclass
class Line:
    sku: str
    amount: Decimal


@action
async def events(day: date) -> list[dict[str, Any]]:
    at = datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)
    return [
        {"kind": Kind.CHARGE, "at": at, "amount": Decimal("12.50"), "channel": Channel.WEB},
        {"kind": Kind.REFUND, "at": at, "amount": Decimal("-2.00"), "channel": Channel.POS},
        {"kind": Kind.CHARGE, "at": at, "amount": Decimal("12.50"), "channel": Channel.WEB},
    ]


@action
async def store(fingerprint: str, body: str) -> str:
    return fingerprint[:10]


@workflow
class AuditTrail(Workflow):
    async def run(self, day: date, customer_id: str) -> dict[str, Any]:
        customer = Customer(id=customer_id)
        seen: set[str] = set()
        stored: list[str] = []
        for n, event in enumerate(await events(day)):
            body = json.dumps(
                {**event, "customer": customer, "line": Line(f"s{n}", event["amount"])},
                default=str,
                sort_keys=True,
            )
            key = hashlib.sha256(json.dumps(event, default=str).encode()).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            stored.append(await store(key, body))
        tags = json.dumps({"channels": {e.value for e in Channel} & {"web"}}, default=list)
        return {"stored": stored, "tags": tags, "last": body}
