"""What runs a runner's attempts: the contract, and the in-process executor of `LocalRuntime`.

A runner hands `AttemptOrder`s to an executor and hears back through three callbacks: a reply (the
attempt's outcome), a loss (the attempt died with its process), an expiry (it never started
because its `Lease` ran out). `WorkerPool` runs orders in worker processes; `InProcessExecutor`
runs them as tasks of this event loop, so a test's fakes and monkeypatches apply.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from waymark_runtime.config import Settings
from waymark_runtime.logs import AttemptContext
from waymark_runtime.values import error_json

if TYPE_CHECKING:
    from waymark_runtime.overrides import Overrides


@dataclass(eq=False, slots=True)
class Lease:
    """Until when work may start for one claim: a `time.monotonic()` deadline the runner moves
    forward after each heartbeat that confirmed the claim, and revokes when it lets go."""

    deadline: float

    def valid(self, now: float) -> bool:
        return now < self.deadline

    def revoke(self) -> None:
        self.deadline = float("-inf")

    @property
    def revoked(self) -> bool:
        return self.deadline == float("-inf")


@dataclass(slots=True)
class AttemptOrder:
    """An attempt handed to an executor to run: `key` is the runner's handle for it, echoed back in callbacks."""

    key: Hashable
    action: str
    args: list[Any]
    kwargs: dict[str, Any]
    timeout: float | None
    lease: Lease
    isolate: bool = False
    context: AttemptContext | None = None
    requeued: bool = False  # it waited in a worker that died, and was queued again


OnReply = Callable[[Hashable, bool, Any], None]
OnKeys = Callable[[list[Hashable]], None]


class Executor(Protocol):
    @property
    def broken(self) -> asyncio.Event:
        """Set when the executor cannot run attempts any more (`failed` says why)."""

    @property
    def failed(self) -> BaseException | None: ...

    async def start(self) -> None: ...

    def submit(self, orders: list[AttemptOrder]) -> None: ...

    def withdraw_revoked(self) -> None: ...

    def hold(self) -> None:
        """Start nothing more (the runner is stopping): orders that have not started go back
        to the runner through `on_expired`, never counted as lost."""

    @property
    def in_flight(self) -> int: ...

    async def wait_idle(self, timeout: float) -> bool: ...

    def kill(self) -> None: ...

    async def stop(self) -> None: ...


ExecutorFactory = Callable[[Settings, OnReply, OnKeys, OnKeys], Executor]


class InProcessExecutor:
    """Every order a task of the running loop, all at once (no slots: nothing to protect)."""

    def __init__(
        self,
        settings: Settings,
        on_reply: OnReply,
        on_lost: OnKeys,
        on_expired: OnKeys,
        overrides: Overrides | None = None,
    ) -> None:
        self.overrides = overrides  # LocalRuntime's: a test's replacements
        self.on_reply = on_reply
        self.on_lost = on_lost
        self.on_expired = on_expired
        self.running: dict[asyncio.Task[None], AttemptOrder] = {}
        self.broken = asyncio.Event()
        self.failed: BaseException | None = None
        self.idle = asyncio.Event()
        self.idle.set()
        self.holding = False

    async def start(self) -> None:
        """Nothing to spawn: orders run in this process."""

    def submit(self, orders: list[AttemptOrder]) -> None:
        now = time.monotonic()
        expired = [o.key for o in orders if self.holding or not o.lease.valid(now)]
        for order in orders:
            if order.lease.valid(now) and not self.holding:
                task = asyncio.get_running_loop().create_task(self._run(order))
                self.running[task] = order
                task.add_done_callback(self._finished)
                self.idle.clear()
        if expired:
            self.on_expired(expired)

    async def _run(self, order: AttemptOrder) -> None:
        from waymark_runtime.execute import execute_action

        try:
            outcome = await execute_action(
                order.action,
                order.args,
                order.kwargs,
                timeout=order.timeout,
                overrides=self.overrides,
                context=order.context,
            )
        except asyncio.CancelledError:
            raise  # `kill`: the attempt is lost (`_finished`)
        except BaseException as error:  # `SystemExit`, `KeyboardInterrupt` from an action: its
            self.on_reply(order.key, False, error_json(error))  # failure, as in a worker
            return
        self.on_reply(order.key, bool(outcome.ok), outcome.value)

    def _finished(self, task: asyncio.Task[None]) -> None:
        order = self.running.pop(task, None)
        if task.cancelled() and order is not None:  # killed: the attempt is lost, as in a worker
            self.on_lost([order.key])
        if not self.running:
            self.idle.set()

    def withdraw_revoked(self) -> None:
        """Nothing waits in a queue here: an order starts when it is submitted."""

    def hold(self) -> None:
        """Nothing waits here; orders submitted from now on go back unstarted."""
        self.holding = True

    @property
    def in_flight(self) -> int:
        return len(self.running)

    async def wait_idle(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def kill(self) -> None:
        for task in self.running:
            task.cancel()

    async def stop(self) -> None:
        self.kill()
        await asyncio.gather(*self.running, return_exceptions=True)
