"""The run inside `waymark run`: a runner dedicated to one instance, its progress, and Ctrl-C.

`drive` starts a runner and its worker processes in this process, on a store that claims this
instance only (`FocusedStore`), redraws the progress from snapshots a few times a second, and
returns when the instance ends (its outcome arrives by LISTEN) or on Ctrl-C, which releases the
instance for `--resume`. A database lost meanwhile is waited for (`Outage`) up to
WAYMARK_CLIENT_CONNECT_RETRY_SECONDS, then ends the command with a one-line error: the instance
is kept for `--resume`. Imported lazily: it pulls in asyncpg and the runtime.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from waymark_compiler.cli._database import EXIT_INTERRUPTED, load_snapshot, unreachable
from waymark_compiler.cli._output import CliError, err
from waymark_runtime.errors import import_failure
from waymark_runtime.reaching import unreached
from waymark_runtime.store.postgres import PostgresStore

if TYPE_CHECKING:
    from waymark_compiler.cli._progress import Progress
    from waymark_runtime.config import Settings
    from waymark_runtime.step_plan import InstanceOutcome

POLL_SECONDS = 0.25
SHUTDOWN_SECONDS = 5.0  # at most, for running attempts to finish after Ctrl-C


class FocusedStore(PostgresStore):
    """A `PostgresStore` whose claims only lease the instances in `focus` and the child
    workflows they started: this command runs its own instance tree, never others queued in
    the database, whose actions it may not have."""

    focus: tuple[str, ...] = ()

    async def _focus(self) -> list[str] | None:
        rows = await self.pool.fetch(self._sql["instance_tree"], list(self.focus))
        return [str(row["id"]) for row in rows]


@dataclass(frozen=True, slots=True)
class Ended:
    """How the command ends: the instance and its outcome (None when interrupted)."""

    instance: str
    outcome: InstanceOutcome | None
    resume: str
    cancelled: bool = False


async def drive(
    store: FocusedStore, settings: Settings, instance: str, hint: str, quiet: bool
) -> Ended:
    """Run the instance with a runner of our own, on `settings`, until it ends or Ctrl-C.

    Once the instance has ended (a cancel can end it mid-attempt), the runner stops without
    waiting for attempts still running: they are moot, it holds the instance no longer."""
    from waymark_compiler.cli._progress import progress_view
    from waymark_runtime.runner import Runner

    store.focus = (instance,)
    runner = Runner(store, settings)
    stop = asyncio.Event()
    interrupted = _on_interrupt(stop, instance, hint)
    running = asyncio.create_task(runner.run(stop))
    view = progress_view(quiet)
    outage = Outage(settings.client_connect_retry_seconds, hint)
    outcome = None
    try:
        outcome = await _watch(store, instance, running, interrupted, view, outage)
        if outcome is None and interrupted.is_set():
            await _stopped(running)  # running attempts finish (or are lost) first...
            with outage.tolerated():  # ...so the last lines show how they ended
                await _draw(store, instance, view)
    finally:
        view.close()
        stop.set()
        await _stopped(running)
    if outcome is None and interrupted.is_set():
        return Ended(instance, None, hint)
    if outcome is None:
        error = running.exception() if running.done() and not running.cancelled() else None
        raise CliError(f"the runtime stopped before the instance ended: {error}",
                       f"the instance is kept; continue it with `{hint}`")  # fmt: skip
    with unreachable(f"the instance has ended; see it with `waymark instances show {instance}`"):
        return Ended(instance, outcome, hint, await _cancelled(store, instance))


class Outage:
    """The database lost while the command watches its instance: each failure to reach it is
    borne until it has lasted `patience` seconds, then the command ends with a one-line error
    (the instance is kept: `hint` continues it). Any other failure is raised as it is."""

    def __init__(self, patience: float, hint: str) -> None:
        self.patience = patience
        self.hint = hint
        self.since: float | None = None

    @contextlib.contextmanager
    def tolerated(self) -> Iterator[None]:
        try:
            yield
        except Exception as failure:
            self.bear(failure)
        else:
            self.since = None

    def bear(self, failure: BaseException) -> None:
        if not unreached(failure):
            raise failure
        moment = time.monotonic()
        if self.since is None:
            self.since = moment
            err(f"lost the database ({import_failure(failure)}); "
                f"trying again for {self.patience:g} s")  # fmt: skip
        if moment - self.since >= self.patience:
            raise CliError(
                f"cannot reach the database: {import_failure(failure)}",
                f"the instance is kept; continue it with `{self.hint}` once PostgreSQL is back",
            ) from None


def _on_interrupt(stop: asyncio.Event, instance: str, hint: str) -> asyncio.Event:
    """First Ctrl-C: stop gracefully (the instance is released, resumable). Second: now."""
    interrupted = asyncio.Event()
    loop = asyncio.get_running_loop()

    def handle() -> None:
        if interrupted.is_set():
            err(f"\ninterrupted again: exiting now; continue with `{hint}`")
            os._exit(EXIT_INTERRUPTED)  # workers die with us; their attempts count as lost
        err(f"\ninterrupted: stopping (Ctrl-C again to exit at once); instance {instance} is kept")
        interrupted.set()
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, handle)
    return interrupted


async def _watch(
    store: FocusedStore,
    instance: str,
    running: asyncio.Task[None],
    interrupted: asyncio.Event,
    view: Progress,
    outage: Outage,
) -> InstanceOutcome | None:
    """Redraw from snapshots a few times a second; the outcome itself arrives by LISTEN (its
    wait starts again after the database was lost)."""
    waiter = asyncio.ensure_future(store.wait_outcome(instance))
    stopped = asyncio.ensure_future(interrupted.wait())
    try:
        while not (running.done() or interrupted.is_set()):
            if waiter.done():
                failure = waiter.exception()
                if failure is None:
                    break
                outage.bear(failure)
                waiter = asyncio.ensure_future(store.wait_outcome(instance))
            with outage.tolerated():
                await _draw(store, instance, view)
            if outage.since is not None:  # no busy loop while connections are refused
                await asyncio.sleep(POLL_SECONDS)
            await asyncio.wait({waiter, running, stopped}, timeout=POLL_SECONDS,
                               return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        with outage.tolerated():
            await _draw(store, instance, view)
        if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
            return waiter.result()
        return None
    finally:
        for task in (waiter, stopped):
            task.cancel()


async def _draw(store: FocusedStore, instance: str, view: Progress) -> None:
    from waymark_compiler.cli.instances_command import traced
    from waymark_runtime.store.postgres import now

    snapshot = await load_snapshot(store, instance)
    dag, trace = traced(snapshot)
    view.update(snapshot, dag, trace, now())


async def _stopped(running: asyncio.Task[None]) -> None:
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await asyncio.wait_for(asyncio.shield(running), SHUTDOWN_SECONDS + 10)


async def _cancelled(store: FocusedStore, instance: str) -> bool:
    row = await store.status(instance)
    return row is not None and row["status"] == "cancelled"
