"""What a runner needs of a store: the contract `PostgresStore` and `MemoryStore` both answer.

A runner claims instances (a lease with an epoch), commits `CommitBatch`es fenced by that lease,
extends its leases by heartbeat, reclaims the expired leases of others, and collects finished
instances; clients create instances and wait for outcomes. Times are epoch seconds passed in by
the caller (one clock the host can pin or make virtual). JSON values keep their key order.
One test suite (tests/runtime/test_store_contract.py) holds both stores to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from waymark_runtime.actions import ActionTimeout
from waymark_runtime.engine import NewInstance, Outcome
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_rows import Claim
from waymark_runtime.values import error_json


class Subscription(Protocol):
    """Notifications of runnable work, from `start()` until `close()`."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class RunnerStore(Protocol):
    lost_attempt_retries: int
    lost_error: Any

    async def create_instances(
        self, specs: Sequence[NewInstance], now: float, ids: Sequence[str] | None = None
    ) -> list[str]: ...

    async def claim(self, owner: str, limit: int, now: float, lease: float) -> list[Claim]: ...

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]: ...

    async def heartbeat(self, owner: str, now: float, lease: float) -> dict[str, int]: ...

    async def reclaim_expired_instances(
        self, now: float, limit: int = 1000, *, keep_owner: str = ""
    ) -> int: ...

    async def collect_garbage(self, now: float, retention: float, limit: int = 1000) -> int: ...

    async def outcome(self, instance_id: str) -> Outcome | None: ...

    async def wait_outcome(self, instance_id: str, timeout: float | None = None) -> Outcome: ...

    async def status(self, instance_id: str) -> dict[str, Any] | None: ...

    def subscribe(self, on_runnable: Callable[[], None]) -> Subscription: ...


def lost_attempt_error(retries: int) -> Any:
    """The error of an attempt lost more than `retries` times (its process or runner died)."""
    return error_json(
        ActionTimeout(
            f"action attempt lost {retries + 1} times: its worker process died or stopped "
            "responding while running it, or its runner died (does the action crash its "
            "process or block its event loop?)"
        )
    )
