"""Webhook fan-out: an event is signed and delivered to every subscriber in parallel, each
delivery retried by policy on transient errors; permanent failures go to a dead-letter list,
subscribers whose endpoints keep failing are paused, and the outcome is summarised."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

CALLS: dict[str, int] = {}


def reset() -> None:
    CALLS.clear()


class Outcome(StrEnum):
    DELIVERED = "delivered"
    DEAD = "dead"
    SKIPPED = "skipped"


class Transient(Exception):
    pass


class Rejected(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


@dataclass
class Subscriber:
    id: str
    url: str
    secret: str
    topics: set[str] = field(default_factory=set)
    failures: int = 0


@action
async def subscribers_for(topic: str) -> list[Subscriber]:
    return [
        Subscriber("s1", "https://a.example/hook", "k1", {"order.paid", "order.refunded"}),
        Subscriber("s2", "https://b.example/flaky", "k2", {"order.paid"}, failures=1),
        Subscriber("s3", "https://c.example/gone", "k3", {"order.paid"}, failures=4),
        Subscriber("s4", "https://d.example/hook", "k4", {"user.created"}),
    ]


@action
async def post(url: str, body: str, signature: str) -> int:
    CALLS[url] = CALLS.get(url, 0) + 1
    if url.endswith("/flaky") and CALLS[url] < 3:
        raise Transient(f"timeout #{CALLS[url]}")
    if url.endswith("/gone"):
        raise Rejected(410)
    return 200 + len(body) % 3


def sign(secret: str, body: str) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest[:16]}"


@workflow
class FanOutWebhook(Workflow):
    async def deliver(self, sub: Subscriber, body: str) -> tuple[Outcome, str]:
        try:
            status = await self.run_action(
                post(sub.url, body, sign(sub.secret, body)),
                retry=RetryPolicy(attempts=3, exception_types=[Transient]),
                backoff=BackoffPolicy(base_delay=1, multiplier=2, max_delay=10),
            )
        except Rejected as error:
            sub.failures += 1
            return Outcome.DEAD, f"{sub.id}: {error} (status {error.status})"
        except Transient as error:
            return Outcome.DEAD, f"{sub.id}: gave up after {error}"
        else:
            sub.failures = 0
            return Outcome.DELIVERED, f"{sub.id}: {status}"

    async def run(self, topic: str, payload: dict[str, object]) -> dict[str, object]:
        body = json.dumps({"topic": topic, "data": payload}, sort_keys=True, separators=(",", ":"))
        subs = [s for s in await subscribers_for(topic) if topic in s.topics]
        if not subs:
            return {"topic": topic, "outcomes": {}, "dead": [], "paused": []}
        results = await asyncio.gather(*(self.deliver(s, body) for s in subs))
        outcomes = {s.id: outcome.value for s, (outcome, _) in zip(subs, results, strict=True)}
        dead = [note for outcome, note in results if outcome is Outcome.DEAD]
        paused = sorted((s.id for s in subs if s.failures >= 5), reverse=True)
        return {
            "topic": topic,
            "bytes": len(body),
            "outcomes": outcomes,
            "dead": dead,
            "paused": paused,
            "records": [asdict(s) | {"topics": sorted(s.topics)} for s in subs],
        }


INPUTS = {
    "FanOutWebhook": [
        {"topic": "order.paid", "payload": {"id": "o-9", "total": 12.5}},
        {"topic": "order.refunded", "payload": {"id": "o-1"}},
        {"topic": "invoice.sent", "payload": {}},
    ]
}
