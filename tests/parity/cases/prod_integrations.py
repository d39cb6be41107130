"""Integration glue: a webhook delivery that signs payloads and builds URLs, and a latency SLO
report with `statistics`, percentiles and a text histogram."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import statistics
import textwrap
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

SECRET = "whsec_test"
DELIVERIES: dict[str, int] = {}


def reset() -> None:
    DELIVERIES.clear()


class WebhookRejected(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status


@dataclass
class Endpoint:
    url: str
    events: tuple[str, ...] = ("*",)
    active: bool = True


@action
async def post_webhook(url: str, body: str, headers: dict[str, str]) -> int:
    DELIVERIES[url] = DELIVERIES.get(url, 0) + 1
    host = urllib.parse.urlsplit(url).hostname or ""
    if host.startswith("flaky") and DELIVERIES[url] < 2:
        raise ConnectionResetError("peer reset")
    if host.startswith("gone"):
        raise WebhookRejected(410, "endpoint removed")
    return 200 if "X-Signature" in headers else 401


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


@action
async def signature_seen_by(url: str, body: str, timestamp: int) -> str:
    secret = SECRET if "flaky" not in url else "rotated"
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), "sha256").hexdigest()


def endpoint_url(base: str, event: str, **params: str) -> str:
    parts = urllib.parse.urlsplit(base)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.update(params, event=event)
    path = parts.path.rstrip("/") + "/" + urllib.parse.quote(event.replace(".", "/"))
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, path, urllib.parse.urlencode(sorted(query.items())), "")
    )


@workflow
class DeliverWebhook(Workflow):
    async def run(
        self, event: str, payload: dict[str, Any], endpoints: list[Endpoint], sent_at: str
    ) -> dict[str, Any]:
        moment = datetime.fromisoformat(sent_at).astimezone(UTC)
        delivery_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{event}:{moment.isoformat()}")
        body = json.dumps(
            {"id": str(delivery_id), "type": event, "data": payload},
            separators=(",", ":"),
            sort_keys=True,
        )
        stamp = int(moment.timestamp())
        signature = sign(body, stamp)
        signed = f"{stamp}.{body}".encode()
        expected = hmac.new(SECRET.encode(), signed, digestmod="sha256").hexdigest()
        checks = {
            e.url: hmac.compare_digest(expected, await signature_seen_by(e.url, body, stamp))
            for e in endpoints[:2]
        }
        targets = [e for e in endpoints if e.active and ("*" in e.events or event in e.events)]
        results = await asyncio.gather(
            *[
                self.run_action(
                    post_webhook(
                        endpoint_url(e.url, event, v="2"),
                        body,
                        {
                            "X-Signature": f"t={stamp},v1={signature}",
                            "X-Delivery": delivery_id.hex[:12],
                        },
                    ),
                    retry=RetryPolicy(attempts=3, exception_types=[ConnectionError]),
                    backoff=BackoffPolicy(base_delay=2),
                )
                for e in targets
            ],
            return_exceptions=True,
        )
        report = {}
        for e, r in zip(targets, results, strict=True):
            if isinstance(r, WebhookRejected):
                report[e.url] = f"rejected {r.status}"
            elif isinstance(r, BaseException):
                report[e.url] = f"error {type(r).__name__}"
            else:
                report[e.url] = "ok" if r == 200 else f"status {r}"
        return {
            "id": str(delivery_id),
            "bytes": len(body.encode()),
            "digest": hashlib.sha256(body.encode()).hexdigest()[:16],
            "report": report,
            "skipped": [e.url for e in endpoints if e not in targets],
            "preview": textwrap.shorten(body, width=40, placeholder=" …"),
            "signature": signature,
            "checks": checks,
        }


@action
async def latencies(service: str) -> list[float]:
    base = {"api": [12.0, 15.5, 11.2, 250.0, 14.1, 13.3, 16.8, 12.9, 980.4, 13.0], "db": [2.0, 2.5]}
    return base.get(service, [])


@workflow
class SloReport(Workflow):
    async def run(self, services: list[str], slo_ms: float = 200.0) -> str:
        blocks: list[str] = []
        for service in services:
            samples = await latencies(service)
            if len(samples) < 2:
                blocks.append(f"{service}: not enough data ({len(samples)} samples)")
                continue
            cuts = statistics.quantiles(samples, n=20, method="inclusive")
            within = sum(1 for s in samples if s <= slo_ms) / len(samples)
            lines = [
                f"{service}",
                f"  mean   {statistics.fmean(samples):9.2f} ms",
                f"  median {statistics.median(samples):9.2f} ms",
                f"  stdev  {statistics.stdev(samples):9.2f} ms",
                f"  p95    {cuts[18]:9.2f} ms",
                f"  SLO    {within:9.1%} {'OK' if within >= 0.9 else 'BREACH'}",
            ]
            buckets = [(0, 20), (20, 100), (100, 500), (500, None)]
            for low, high in buckets:
                n = sum(1 for s in samples if s >= low and (high is None or s < high))
                label = f"{low}-{high}" if high is not None else f"{low}+"
                lines.append(f"  {label:>8} | {'#' * n:<10}| {n}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)


INPUTS = {
    "DeliverWebhook": [
        {
            "event": "invoice.paid",
            "payload": {"invoice": "in_1", "amount": 1200, "currency": "eur"},
            "endpoints": [
                Endpoint("https://hooks.example.com/in?tenant=a"),
                Endpoint("https://flaky.example.com/", ("invoice.paid",)),
                Endpoint("https://gone.example.com/x", ("*",)),
                Endpoint("https://off.example.com/", active=False),
                Endpoint("https://other.example.com/", ("customer.created",)),
            ],
            "sent_at": "2024-05-01T12:00:00+02:00",
        }
    ]
}
