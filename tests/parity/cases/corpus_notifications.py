"""A notification digest: events grouped per user, quiet hours checked in each user's own
time zone, channels tried in order of preference with fallbacks, failures collected."""

from __future__ import annotations

import asyncio
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from waymark import Workflow, action, workflow


class Channel(Enum):
    PUSH = "push"
    EMAIL = "email"
    SMS = "sms"


class Event(BaseModel):
    user_id: str
    kind: str
    title: str
    at: datetime


class Recipient(BaseModel):
    user_id: str
    tz: str = "UTC"
    channels: list[Channel] = Field(default_factory=lambda: [Channel.EMAIL])
    quiet_from: time = time(22, 0)
    quiet_to: time = time(7, 0)


class DeliveryError(Exception):
    """A channel refused the message."""


class Unreachable(DeliveryError):
    pass


@dataclass(frozen=True)
class Delivery:
    user_id: str
    channel: str
    lines: int
    deferred_until: str | None = None


PREFS = {
    "ana": {"user_id": "ana", "tz": "Europe/Lisbon", "channels": ["push", "email"]},
    "ben": {"user_id": "ben", "tz": "America/New_York", "channels": ["sms", "push", "email"]},
    "kai": {"user_id": "kai", "tz": "Asia/Tokyo"},
}


@action
async def fetch_events(since: datetime) -> list[Event]:
    kinds = ["comment", "mention", "comment", "invite", "mention", "comment", "deploy"]
    users = ["ana", "ben", "ana", "kai", "ben", "ben", "ana"]
    return [
        Event(user_id=u, kind=k, title=f"{k} #{i}", at=since + timedelta(minutes=17 * i))
        for i, (u, k) in enumerate(zip(users, kinds, strict=True))
    ]


@action
async def load_recipient(user_id: str) -> Recipient:
    return Recipient.model_validate(PREFS[user_id])


@action
async def send(channel: Channel, user_id: str, body: str) -> int:
    if channel is Channel.SMS:
        raise Unreachable(f"no phone number for {user_id}")
    if channel is Channel.PUSH and user_id == "ana":
        raise DeliveryError("push token expired")
    return body.count("\n") + 1


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def render(events: list[Event], zone: ZoneInfo) -> str:
    counts = Counter(e.kind for e in events)
    header = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.most_common())
    body = [
        f"- {e.at.astimezone(zone):%H:%M} {e.title}" for e in sorted(events, key=lambda e: e.at)
    ]
    return textwrap.shorten(header, width=40, placeholder=" ...") + "\n" + "\n".join(body)


@workflow
class SendDigest(Workflow):
    async def run(self, since: datetime) -> dict[str, object]:
        events = await fetch_events(since)
        by_user: defaultdict[str, list[Event]] = defaultdict(list)
        for event in events:
            by_user[event.user_id].append(event)
        recipients = await asyncio.gather(*[load_recipient(u) for u in sorted(by_user)])
        deliveries: list[Delivery] = []
        failures: dict[str, list[str]] = {}
        for person in recipients:
            zone = ZoneInfo(person.tz)
            now_local = max(e.at for e in by_user[person.user_id]).astimezone(zone)
            if in_quiet_hours(now_local.time(), person.quiet_from, person.quiet_to):
                wake = datetime.combine(now_local.date(), person.quiet_to, tzinfo=zone)
                if wake <= now_local:
                    wake += timedelta(days=1)
                stamp = wake.astimezone(UTC).isoformat(timespec="minutes")
                deliveries.append(Delivery(person.user_id, "deferred", 0, stamp))
                continue
            body = render(by_user[person.user_id], zone)
            for channel in person.channels:
                try:
                    lines = await send(channel, person.user_id, body)
                except Unreachable as error:
                    failures.setdefault(person.user_id, []).append(f"{channel.name}: {error}")
                except DeliveryError as error:
                    failures.setdefault(person.user_id, []).append(
                        f"{channel.value} failed ({error})"
                    )
                else:
                    deliveries.append(Delivery(person.user_id, channel.value, lines))
                    break
            else:
                failures[person.user_id].append("all channels exhausted")
        return {
            "deliveries": deliveries,
            "failures": failures,
            "per_channel": dict(Counter(d.channel for d in deliveries)),
        }


INPUTS = {
    "SendDigest": [
        {"since": datetime(2024, 3, 10, 5, 30, tzinfo=UTC)},
        {"since": datetime(2024, 3, 10, 13, 0, tzinfo=UTC)},
        {"since": datetime(2024, 10, 27, 0, 15, tzinfo=UTC)},
    ]
}
