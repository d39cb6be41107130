"""What a runner needs of a store: the contract `PostgresStore` and `MemoryStore` both answer.

A runner claims instances (a lease with an epoch), commits `CommitBatch`es fenced by that lease,
extends its leases by heartbeat, reclaims the expired leases of others, and collects finished
instances; clients create instances and wait for outcomes. Times are epoch seconds passed in by
the caller (one clock the host can pin or make virtual). JSON values keep their key order.
One test suite (tests/runtime/test_store_contract.py) holds both stores to it. `InspectionStore`
is what the admin API (`waymark_runtime.admin`) reads and changes; tests/runtime/test_admin.py
holds both stores to it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from waymark_runtime.actions import ActionTimeout
from waymark_runtime.engine import NewInstance
from waymark_runtime.errors import InstanceCancelled
from waymark_runtime.flow import Grants, SlotRequest
from waymark_runtime.step_plan import InstanceOutcome
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.store.pg_rows import Claim
from waymark_runtime.values import error_json


class Subscription(Protocol):
    """Notifications of runnable work, from `start()` until `close()`."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def listening(self) -> bool:
        """Notifications arrive (False while the connection that hears them is lost)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RunnerInfo:
    """A runner as it registers: its owner id (the `lease_owner` of what it holds), host,
    process id and how many worker processes it runs."""

    id: str
    host: str
    pid: int
    worker_count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Reclaimed:
    """What one pass of the lease reclaimer did: how many expired leases it released, and the
    action of each orphaned attempt it failed, past `orphaned_attempt_retries`."""

    instances: int
    failed: tuple[str, ...] = ()


class RunnerStore(Protocol):
    lost_attempt_retries: int
    lost_error: Any
    orphaned_attempt_retries: int
    """How often an attempt found running for a runner whose lease lapsed is queued again
    (`reclaim_expired_instances`) before it fails with `orphaned_error`."""
    orphaned_error: Any

    async def create_instances(
        self, specs: Sequence[NewInstance], now: float, ids: Sequence[str] | None = None
    ) -> list[str]: ...

    async def claim(self, owner: str, limit: int, now: float, lease: float) -> list[Claim]: ...

    async def claim_waking(
        self, owner: str, limit: int, now: float, lease: float
    ) -> tuple[list[Claim], float | None]:
        """`claim`, and when fewer than `limit` were leased, `next_wake(now)` as the claim saw
        it (None otherwise): on PostgreSQL read by the claim's own statements, a round trip
        less than asking apart."""

    async def next_wake(self, now: float) -> float | None:
        """When the next instance no runner holds falls due after `now` (None: none does):
        a released sleep, wait or deadline, whoever released it."""

    async def commit(self, batch: CommitBatch, owner: str, now: float) -> set[str]: ...

    async def heartbeat(self, owner: str, now: float, lease: float) -> dict[str, int]: ...

    async def register_runner(self, runner: RunnerInfo, now: float) -> None:
        """Record a starting runner; `heartbeat(runner.id, ...)` keeps its heartbeat current."""

    async def unregister_runner(self, runner_id: str) -> None: ...

    async def reclaim_expired_instances(
        self, now: float, limit: int = 1000, *, keep_owner: str = ""
    ) -> Reclaimed:
        """Release expired leases (not `keep_owner`'s); the attempts their owners ran are
        orphaned: queued again, or failed past `orphaned_attempt_retries`."""

    async def next_lease_lapse(self, now: float, *, keep_owner: str = "") -> float | None:
        """When the next lease held by another owner than `keep_owner` lapses, at `now` or
        later (None: no other owner holds one)."""

    async def collect_garbage(self, now: float, retention: float, limit: int = 1000) -> int: ...

    async def outcome(self, instance_id: str) -> InstanceOutcome | None: ...

    async def wait_outcome(
        self, instance_id: str, timeout: float | None = None
    ) -> InstanceOutcome: ...

    async def status(self, instance_id: str) -> dict[str, Any] | None: ...

    async def registered_workflows(self, names: Collection[str]) -> set[str]:
        """Those of `names` that have a registered version (a child call of another is
        refused: `held.unknown_children`)."""

    async def cancel(
        self, instance_id: str, error: Any, now: float, status: str = "cancelled"
    ) -> bool: ...

    def subscribe(
        self,
        on_runnable: Callable[[], None],
        on_wake: Callable[[float], None] | None = None,
        on_ended: Callable[[str], None] | None = None,
    ) -> Subscription:
        """Runnable work (`on_runnable`), the wake-ups of instances another runner released
        (`on_wake`, with the time), and instances another process ended (`on_ended`, with the
        id: a cancel, a deadline, a parent's end cascading)."""
        ...

    # flow control: attempts of limited actions start through `acquire_slots` (`worker.gate`)

    async def acquire_slots(
        self, owner: str, requests: Sequence[SlotRequest], clock: Callable[[], float]
    ) -> Grants:
        """Start what the limits allow; `clock` is read once the action's gate is held, so a
        grant that waited for it never records its starts in the past."""
        ...

    async def slots_freed(self, actions: Sequence[str]) -> None: ...

    async def release_slots(self, ended: Sequence[tuple[str, int, str, int]]) -> None:
        """The executions of these attempts (instance id, claim epoch, node, attempt) ended:
        slots held for them past their end (a cancel, their instance finishing) are free."""
        ...

    def subscribe_freed(self, on_freed: Callable[[], None]) -> Subscription: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceQuery:
    """Which instances to list: each filter None for any; creation times in [after, before).

    The order is newest first: `created_at` then `id`, both descending. `after` is the keyset
    position of the last instance of the previous page, `(created_at in microseconds, id)`."""

    status: str | None = None
    workflow: str | None = None
    created_after: float | None = None
    created_before: float | None = None
    after: tuple[int, str] | None = None
    limit: int = 50
    parent: str | None = None
    """Only the children of this instance."""
    text: str | None = None
    """Only instances whose id, or stored inputs, result or error JSON, contain this
    (case-insensitive)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueStats:
    """How much work waits: instances by status, the runnable ones (unleased and due), and how
    long the longest waiting of those has waited (seconds; None when none is runnable)."""

    by_status: dict[str, int]
    runnable: int
    oldest_wait: float | None


class InspectionStore(Protocol):
    """What inspecting and steering instances needs. Rows are dicts (times as epoch seconds):
    `status` gives an instance row (the columns of the `instance_status` query), `attempts_of`
    rows of `instance_attempts`, `timers_of` rows of `instance_timers` (finished sleeps too),
    `logs_of` the newest `limit` rows of `instance_logs` (oldest first), `list_instances` rows of
    `list_instances` (with the attempt count and `created_us`, the keyset position),
    `list_runners` rows of `list_runners`, `signals_of` rows of `instance_signals`.
    `send_signal` keeps a validated signal for an unfinished instance (False: unknown or
    finished) and wakes it when it waits for that name; a `send_id` it kept already is that
    send made again (its answer was lost): nothing more is kept or woken, and it is True even
    once the instance finished."""

    async def create_instances(
        self, specs: Sequence[NewInstance], now: float, ids: Sequence[str] | None = None
    ) -> list[str]: ...

    async def status(self, instance_id: str) -> dict[str, Any] | None: ...

    async def list_instances(self, query: InstanceQuery) -> list[dict[str, Any]]: ...

    async def attempts_of(self, instance_id: str) -> list[dict[str, Any]]: ...

    async def timers_of(self, instance_id: str) -> list[dict[str, Any]]: ...

    async def logs_of(self, instance_id: str, limit: int = 1000) -> list[dict[str, Any]]: ...

    async def latest_version(self, workflow: str) -> tuple[str, str] | None: ...

    async def program_of(self, workflow: str, version: str) -> str | None: ...

    async def send_signal(
        self, instance_id: str, name: str, payload: Any, now: float, send_id: str | None = None
    ) -> bool: ...

    async def signals_of(self, instance_id: str) -> list[dict[str, Any]]: ...

    async def cancel(
        self, instance_id: str, error: Any, now: float, status: str = "cancelled"
    ) -> bool: ...

    async def start_again(
        self, source: str, spec: NewInstance, now: float, new_id: str, cancel_error: Any = None
    ) -> str | None:
        """Create instance `new_id` of `spec` as the retry or requeue of `source` (cancelled
        first with `cancel_error`, when given and `source` is unfinished) and record it on
        `source`, at once; when `source`'s earlier retry or requeue created an instance that
        still exists, nothing is made and its id is returned. None when `source` is unknown."""
        ...

    async def queue_stats(self, now: float) -> QueueStats: ...

    async def list_runners(self) -> list[dict[str, Any]]: ...


def lost_attempt_error(retries: int) -> Any:
    """The error of an attempt lost more than `retries` times while its runner lived (its
    worker process died or was stopped)."""
    return error_json(
        ActionTimeout(
            f"action attempt lost {retries + 1} times: its worker process died or stopped "
            "responding while running it (does the action crash its process or block its "
            "event loop?)"
        )
    )


def orphaned_attempt_error(retries: int) -> Any:
    """The error of an attempt orphaned more than `retries` times: each time, the runner
    running it died or stopped renewing its lease."""
    return error_json(
        ActionTimeout(
            f"action attempt orphaned {retries + 1} times: its runner died or stopped renewing "
            "its lease while running it, every time (does the action kill or stop its runner's "
            "process group?)"
        )
    )


def cascade_error() -> Any:
    """The error of a blocking child cancelled because its parent finished or was cancelled."""
    return error_json(
        InstanceCancelled("cancelled with its parent (the parent finished or was cancelled)")
    )
