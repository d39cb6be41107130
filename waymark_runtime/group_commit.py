"""Writing a group commit: the rows of many instances' changes, in one statement when it can.

`Turns` picks which ready instances share the next group commit; `Launch` is one about to be
written, with the orders it sends before it is durable.

`write_changes` writes the batch (retried while the database is unreachable); when that fails
it writes each instance's rows alone, and an instance whose rows do not store ends with their
error instead. It only writes: what follows a durable commit (dispatch, timers, letting go) is
the runner's.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from waymark_runtime import metrics
from waymark_runtime.changes import Change, failure
from waymark_runtime.held import Held
from waymark_runtime.retrying import retrying
from waymark_runtime.store.pg_batch import CommitBatch
from waymark_runtime.values import error_json
from waymark_runtime.worker import report
from waymark_runtime.worker.executor import AttemptOrder

log = logging.getLogger("waymark.runner")

_HEAVY = 1_000  # attempts running or results waiting: a step and commit that take a while


class Turns:
    """Heavy instances (a huge gather: a long step, a large state) and light ones do not share
    a group commit, so a small instance never waits for a huge one's commit; when both are
    ready they take turns (neither kind can starve the other)."""

    def __init__(self, held: dict[str, Held]) -> None:
        self.held = held  # the runner's instances (the same dict)
        self.heavy_turn = True  # so light instances go first

    def next(self, ready: set[str]) -> set[str]:
        """The instances of `ready` to step and commit together next."""
        heavy = {i for i in ready if (held := self.held.get(i)) is not None and _heavy(held)}
        if not heavy or heavy == ready:
            return ready
        self.heavy_turn = not self.heavy_turn
        return heavy if self.heavy_turn else ready - heavy


def _heavy(held: Held) -> bool:
    return len(held.running) + len(held.events) >= _HEAVY


@dataclass
class Launch:
    """A group commit about to be written (`pump.Pump._launch`): its rows, the orders of the
    attempts it sends before it is durable, the instances that sent some, and how many of
    those took a free worker slot (`Pump.reserved` until the commit ends)."""

    batch: CommitBatch
    orders: list[AttemptOrder]
    early: list[Held]
    promised: int


def joined(launches: list[Launch]) -> Launch:
    """One commit of several launches' rows (their orders are already submitted)."""
    if len(launches) == 1:
        return launches[0]
    batch = CommitBatch()
    for launch in launches:
        batch.extend(launch.batch)
    early = [held for launch in launches for held in launch.early]
    orders = [order for launch in launches for order in launch.orders]
    return Launch(batch, orders, early, sum(launch.promised for launch in launches))


Write = Callable[[CommitBatch], Awaitable[set[str]]]
"""One statement: commit a batch, returning the ids of the instances whose rows landed."""


async def write_changes(write: Write, batch: CommitBatch, changes: list[Change]) -> set[str]:
    """The ids of the instances whose rows are durable; `batch` holds all of `changes`' rows.
    A change whose rows do not store is replaced in `changes` by its instance's failure."""
    started = time.monotonic()
    try:
        kept = await retrying("commit", lambda: write(batch))
        if (recording := metrics.current()) is not None:
            recording.commit.observe(time.monotonic() - started)
            recording.commit_size.observe(len(changes))
    except Exception:
        log.exception("group commit failed; committing instances one by one")
        kept = await _commit_one_by_one(write, changes)
    return kept


async def _commit_one_by_one(write: Write, changes: list[Change]) -> set[str]:
    kept: set[str] = set()
    for index, change in enumerate(changes):
        try:
            kept |= await retrying("commit", functools.partial(write, change.batch))
        except Exception as error:
            log.warning("instance %s: its rows do not store: %s", change.held.id, error)
            report.instance_failure(change.held, error_json(error))
            for attempt in change.early:  # sent, but its row did not land: no row to end
                change.held.running.pop(attempt.id, None)
            changes[index] = failed = failure(change.held, error, change.batch)
            with contextlib.suppress(Exception):
                kept |= await write(failed.batch)
    return kept
