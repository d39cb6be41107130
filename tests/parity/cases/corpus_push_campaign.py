"""Push-notification campaign: audiences are resolved in a task group, each device batch is
sent by a started task of a helper, the first batch to finish sets the campaign's "live"
marker (`asyncio.wait(..., return_when=FIRST_COMPLETED)`), then the rest are awaited, and
failures inside the task group surface as an exception group the workflow unpacks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from waymark import Workflow, action, workflow


class ProviderDown(Exception):
    def __init__(self, provider: str) -> None:
        super().__init__(f"{provider} unavailable")
        self.provider = provider


class EmptyAudience(Exception):
    pass


@dataclass
class Batch:
    provider: str
    devices: list[str]
    sent: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.provider}:{len(self.devices)}"


@action
async def resolve_audience(segment: str) -> list[str]:
    table = {
        "vip": ["ios-1", "ios-2", "and-1"],
        "trial": ["and-2", "and-3", "web-1", "ios-3"],
        "none": [],
    }
    if segment not in table:
        raise KeyError(segment)
    if not table[segment]:
        raise EmptyAudience(segment)
    return table[segment]


@action
async def send_push(provider: str, device: str, text: str, down: list[str]) -> bool:
    if provider in down:
        raise ProviderDown(provider)
    return not device.endswith("3")


@workflow
class PushCampaign(Workflow):
    async def send_batch(self, batch: Batch, text: str, down: list[str]) -> Batch:
        for device in batch.devices:
            try:
                ok = await send_push(batch.provider, device, text, down)
            except ProviderDown as error:
                batch.errors.append(str(error))
                break
            if ok:
                batch.sent += 1
            else:
                batch.errors.append(f"{device}: unregistered")
        return batch

    async def audience(self, segment: str, into: dict[str, list[str]]) -> None:
        into[segment] = await resolve_audience(segment)

    async def run(
        self, segments: list[str], text: str, down: list[str] | None = None
    ) -> dict[str, object]:
        found: dict[str, list[str]] = {}
        try:
            async with asyncio.TaskGroup() as tg:
                for segment in segments:
                    tg.create_task(self.audience(segment, found))
        except ExceptionGroup as group:
            kinds = sorted({type(e).__name__ for e in group.exceptions})
            names = sorted(e.args[0] for e in group.exceptions)
            return {"error": kinds, "segments": names, "message": group.message}
        devices = sorted({d for segment in segments for d in found[segment]})
        by_provider: dict[str, list[str]] = {}
        for device in devices:
            by_provider.setdefault(device.partition("-")[0], []).append(device)
        batches = [
            Batch(p, ds)
            for p, ds in sorted(by_provider.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        tasks = [asyncio.create_task(self.send_batch(b, text[:40], down or [])) for b in batches]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
        results = [t.result() for t in tasks]
        return {
            "devices": len(devices),
            "done": len(done),
            "pending": len(pending),
            "batches": [b.key for b in results],
            "sent": sum(b.sent for b in results),
            "errors": {b.provider: b.errors for b in results if b.errors},
            "same_objects": all(r is b for r, b in zip(results, batches, strict=True)),
        }


INPUTS = {
    "PushCampaign": [
        {
            "segments": ["vip", "trial"],
            "text": "Spring sale: 20% off everything until Sunday midnight!",
        },
        {"segments": ["trial"], "text": "hi", "down": ["and"]},
        {"segments": ["vip", "none"], "text": "x"},
        {"segments": ["vip", "ghost"], "text": "x"},
    ]
}
