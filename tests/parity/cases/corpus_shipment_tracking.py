"""Shipment tracking: carrier events polled for each parcel, normalised from three carrier
formats with structural pattern matching, the latest status per parcel derived, late parcels
(past their promised date in working hours) escalated, and customers notified once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from waymark import Workflow, action, workflow


class Status(StrEnum):
    LABEL = "label"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"


RANK = {s: i for i, s in enumerate(Status)}


@dataclass(frozen=True)
class Event:
    at: datetime
    status: Status
    where: str = ""


@dataclass(frozen=True)
class Parcel:
    tracking: str
    carrier: str
    promised: datetime


class UnknownFormat(ValueError):
    pass


@action
async def carrier_events(carrier: str, tracking: str) -> list[object]:
    if carrier == "dhl":
        return [
            {"ts": "2024-11-04T08:00", "code": "PU", "loc": "Leipzig"},
            {"ts": "2024-11-05T06:30", "code": "OFD", "loc": "Berlin"},
            {"ts": "2024-11-05T14:10", "code": "DL", "loc": "Berlin"},
        ][: len(tracking) % 4]
    if carrier == "ups":
        return [
            ["2024-11-04 09:00", "IN TRANSIT", "Köln"],
            ["2024-11-06 10:00", "EXCEPTION", "Köln"],
        ]
    if carrier == "post":
        return ["2024-11-03T12:00|label", "2024-11-04T12:00|in_transit|Hub 7"]
    return [42]


def normalise(raw: object) -> Event:
    match raw:
        case {"ts": str(ts), "code": "PU" | "TR", "loc": loc}:
            return Event(datetime.fromisoformat(ts), Status.IN_TRANSIT, loc)
        case {"ts": str(ts), "code": "OFD", **extra}:
            return Event(datetime.fromisoformat(ts), Status.OUT_FOR_DELIVERY, extra.get("loc", ""))
        case {"ts": str(ts), "code": "DL"}:
            return Event(datetime.fromisoformat(ts), Status.DELIVERED)
        case [str(ts), str(text), *rest]:
            status = Status(text.lower().replace(" ", "_"))
            return Event(datetime.strptime(ts, "%Y-%m-%d %H:%M"), status, rest[0] if rest else "")
        case str() as line if "|" in line:
            ts, status, *where = line.split("|")
            return Event(datetime.fromisoformat(ts), Status(status), "".join(where))
        case _:
            raise UnknownFormat(f"cannot read carrier event {raw!r}")


def working_hours_late(promised: datetime, now: datetime) -> int:
    hours, t = 0, promised
    while t < now:
        t += timedelta(hours=1)
        hours += t.weekday() < 5 and 8 <= t.hour < 18
    return hours


@workflow
class TrackShipments(Workflow):
    async def run(self, parcels: list[Parcel], now: datetime) -> dict[str, object]:
        feeds = await asyncio.gather(*[carrier_events(p.carrier, p.tracking) for p in parcels])
        summary: dict[str, str] = {}
        late, errors = [], []
        for parcel, feed in zip(parcels, feeds, strict=True):
            try:
                events = sorted(map(normalise, feed), key=lambda e: (e.at, RANK[e.status]))
            except (UnknownFormat, ValueError) as error:
                errors.append(f"{parcel.tracking}: {error}")
                continue
            if not events:
                summary[parcel.tracking] = "no scans yet"
                continue
            *_, last = events
            summary[parcel.tracking] = (
                f"{last.status.value} @ {last.where or '?'} {last.at:%d.%m %H:%M}"
            )
            if last.status is not Status.DELIVERED and (
                h := working_hours_late(parcel.promised, now)
            ):
                late.append((parcel.tracking, h))
        return {
            "summary": summary,
            "late": sorted(late, key=lambda x: -x[1]),
            "errors": errors,
            "delivered": sum(s.startswith("delivered") for s in summary.values()),
        }


PROMISED = datetime(2024, 11, 5, 18, 0)
INPUTS = {
    "TrackShipments": [
        {
            "parcels": [
                Parcel("DHL0001", "dhl", PROMISED),
                Parcel("DHL02", "dhl", PROMISED),
                Parcel("1Z999", "ups", PROMISED),
                Parcel("RR123", "post", PROMISED - timedelta(days=2)),
                Parcel("X", "pigeon", PROMISED),
                Parcel("DHL00", "dhl", PROMISED),
            ],
            "now": datetime(2024, 11, 8, 9, 30),
        },
        {"parcels": [], "now": datetime(2024, 11, 8)},
    ]
}
