"""Tenant provisioning as a saga: each step registers how to undo itself, a failure unwinds
the completed steps in reverse order (compensation failures are collected, not raised), and
the outcome reports what happened."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any

from waymark import BackoffPolicy, RetryPolicy, Workflow, action, workflow

LOG: list[str] = []
FLAKY: dict[str, int] = {}


def reset() -> None:
    LOG.clear()
    FLAKY.clear()


class Tier(Enum):
    FREE = auto()
    PRO = auto()
    DEDICATED = auto()


class ProvisioningError(Exception):
    step = "unknown"


class QuotaExceeded(ProvisioningError):
    step = "database"


class DnsConflict(ProvisioningError):
    step = "dns"


class TransientError(ConnectionError):
    pass


@dataclass
class Tenant:
    slug: str
    tier: Tier
    resources: dict[str, str] = field(default_factory=dict)
    undone: list[str] = field(default_factory=list)


@action
async def create_database(slug: str, size_gb: int) -> str:
    if size_gb > 100:
        raise QuotaExceeded(f"{size_gb} GB is over the region quota")
    LOG.append(f"db+{slug}")
    return f"pg-{slug}-{size_gb}"


@action
async def drop_database(name: str) -> None:
    LOG.append(f"db-{name}")


@action
async def create_bucket(slug: str) -> str:
    FLAKY[slug] = FLAKY.get(slug, 0) + 1
    if slug.startswith("flaky") and FLAKY[slug] < 3:
        raise TransientError(f"storage API unavailable (try {FLAKY[slug]})")
    return f"s3://tenants/{slug}"


@action
async def delete_bucket(uri: str) -> None:
    if "locked" in uri:
        raise PermissionError(f"bucket {uri} has a retention lock")
    LOG.append(f"bucket-{uri}")


@action
async def register_dns(slug: str) -> str:
    if slug in {"www", "api"} or slug.endswith("-taken"):
        raise DnsConflict(f"{slug}.example.app is already registered")
    return f"{slug}.example.app"


@action
async def send_welcome(slug: str, host: str) -> bool:
    return bool(host)


SLUG = re.compile(r"^[a-z][a-z0-9-]{2,30}$")
SIZES = {Tier.FREE: 1, Tier.PRO: 20, Tier.DEDICATED: 250}


@workflow
class ProvisionTenant(Workflow):
    async def run(self, name: str, tier: str = "PRO") -> dict[str, Any]:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if not SLUG.fullmatch(slug):
            raise ValueError(f"cannot derive a valid slug from {name!r} (got {slug!r})")
        tenant = Tenant(slug, Tier[tier.upper()])
        undo: list[tuple[str, Callable[..., Awaitable[None]], str]] = []
        try:
            db = await create_database(slug, SIZES[tenant.tier])
            tenant.resources["database"] = db
            undo.append(("database", drop_database, db))
            bucket = await self.run_action(
                create_bucket(slug),
                retry=RetryPolicy(attempts=4, exception_types=[TransientError]),
                backoff=BackoffPolicy(base_delay=0, multiplier=2),
            )
            tenant.resources["bucket"] = bucket
            undo.append(("bucket", delete_bucket, bucket + ("-locked" if "legal" in slug else "")))
            tenant.resources["host"] = await register_dns(slug)
        except ProvisioningError as error:
            failed = f"{type(error).__name__} at {error.step}: {error}"
            for label, compensate, target in reversed(undo):
                try:
                    await compensate(target)
                except Exception as problem:  # keep unwinding
                    tenant.undone.append(f"{label} FAILED: {problem}")
                else:
                    tenant.undone.append(label)
            return {"ok": False, "error": failed, "undone": tenant.undone}
        (welcomed,) = await asyncio.gather(send_welcome(slug, tenant.resources["host"]))
        return {
            "ok": True,
            "tier": tenant.tier.name.lower(),
            "resources": dict(sorted(tenant.resources.items())),
            "welcomed": welcomed,
        }
